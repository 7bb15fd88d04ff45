using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Boai.Orleans.Model;

namespace Boai.Orleans.Catalogue;

[GenerateSerializer, Immutable]
public sealed record CatalogueItem(
    [property: Id(0)] string ItemId,
    [property: Id(1)] string Category,
    [property: Id(2)] string Name,
    [property: Id(3)] string NameEn,
    [property: Id(4)] NeedFrequency DefaultFrequency,
    [property: Id(5)] IReadOnlyList<string> Skills);

public sealed record CatalogueCategory(string Category, string Name, string NameEn);

public sealed record Skill(string SkillId, string Name, string NameEn);

/// <summary>
/// The service catalogue (服务清单): categories, items and skills. Loaded once from a JSON file an operator may
/// edit (<c>Catalogue:Path</c>); the embedded file is the default.
/// </summary>
public sealed class ServiceCatalogue
{
    private readonly FrozenDictionary<string, CatalogueItem> _items;
    private readonly FrozenSet<string> _skills;

    private ServiceCatalogue(IReadOnlyList<CatalogueCategory> categories, IReadOnlyList<CatalogueItem> items, IReadOnlyList<Skill> skills)
    {
        Categories = categories;
        Items = items;
        Skills = skills;
        _items = items.ToFrozenDictionary(i => i.ItemId, StringComparer.Ordinal);
        _skills = skills.Select(s => s.SkillId).ToFrozenSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<CatalogueCategory> Categories { get; }

    public IReadOnlyList<CatalogueItem> Items { get; }

    public IReadOnlyList<Skill> Skills { get; }

    public CatalogueItem? Find(string? itemId) => itemId is not null && _items.TryGetValue(itemId, out var item) ? item : null;

    public bool IsSkill(string skill) => _skills.Contains(skill);

    public bool IsCategory(string? category) => Categories.Any(c => c.Category == category);

    public static ServiceCatalogue Load(string? path = null)
    {
        using var stream = path is null ? EmbeddedData.Open("catalogue.json") : File.OpenRead(path);
        var file = JsonSerializer.Deserialize(stream, CatalogueJson.Default.CatalogueFile)
            ?? throw new InvalidDataException("The service catalogue file is empty.");
        var items = file.Items.Select(i => new CatalogueItem(i.ItemId, i.Category, i.Name, i.NameEn, i.DefaultFrequency, i.Skills)).ToList();
        var categories = file.Categories.Select(c => new CatalogueCategory(c.Category, c.Name, c.NameEn)).ToList();
        var skills = file.Skills.Select(s => new Skill(s.Skill, s.Name, s.NameEn)).ToList();
        var unknown = items.Where(i => !categories.Any(c => c.Category == i.Category)).Select(i => i.ItemId).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"Catalogue items with an unknown category: {string.Join(", ", unknown)}");
        }

        return new ServiceCatalogue(categories, items, skills);
    }

    internal sealed record CatalogueFile(List<CategoryJson> Categories, List<ItemJson> Items, List<SkillJson> Skills);

    internal sealed record CategoryJson(string Category, string Name, string NameEn);

    internal sealed record ItemJson(string ItemId, string Category, string Name, string NameEn, NeedFrequency DefaultFrequency, List<string> Skills);

    internal sealed record SkillJson(string Skill, string Name, string NameEn);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ServiceCatalogue.CatalogueFile))]
internal sealed partial class CatalogueJson : JsonSerializerContext;

internal static class EmbeddedData
{
    public static Stream Open(string name) =>
        typeof(EmbeddedData).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
}
