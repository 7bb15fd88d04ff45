namespace Boai.Orleans.Matching;

/// <summary>The service catalogue's need categories (服务清单类别), as stored on needs and volunteers' willingness.</summary>
public static class NeedCategories
{
    public const string Elderly = "助老";
    public const string Children = "助幼";
    public const string Hardship = "助困";
    public const string Disability = "助残";
    public const string Health = "助医";

    public static IReadOnlyList<string> All { get; } = [Elderly, Children, Hardship, Disability, Health];

    /// <summary>The English word for a category, or the category itself when it is not one of the five.</summary>
    public static string EnglishName(string category) => category switch
    {
        Elderly => "elderly",
        Children => "children",
        Hardship => "hardship",
        Disability => "disability",
        Health => "health",
        _ => category,
    };
}
