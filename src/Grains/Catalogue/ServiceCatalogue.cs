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
    [property: Id(5)] IReadOnlyList<string> Skills,
    [property: Id(6)] IReadOnlyList<string>? Trainings = null);

/// <summary>A training a catalogue item may require (e.g. 急救培训 for 陪同就医), valid this many months after completion.</summary>
public sealed record TrainingKind(string TrainingId, string Name, string NameEn, int ValidMonths);

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

    private ServiceCatalogue(IReadOnlyList<CatalogueCategory> categories, IReadOnlyList<CatalogueItem> items, IReadOnlyList<Skill> skills, IReadOnlyList<TrainingKind> trainings)
    {
        Trainings = trainings;
        Categories = categories;
        Items = items;
        Skills = skills;
        _items = items.ToFrozenDictionary(i => i.ItemId, StringComparer.Ordinal);
        _skills = skills.Select(s => s.SkillId).ToFrozenSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<CatalogueCategory> Categories { get; }

    public IReadOnlyList<CatalogueItem> Items { get; }

    public IReadOnlyList<Skill> Skills { get; }

    public IReadOnlyList<TrainingKind> Trainings { get; }

    /// <summary>The trainings a need of this catalogue item requires of its volunteer (none for most items).</summary>
    public IReadOnlyList<string> TrainingsFor(string? itemId) => Find(itemId)?.Trainings ?? [];

    public CatalogueItem? Find(string? itemId) => itemId is not null && _items.TryGetValue(itemId, out var item) ? item : null;

    public bool IsSkill(string skill) => _skills.Contains(skill);

    public bool IsCategory(string? category) => Categories.Any(c => c.Category == category);

    public static ServiceCatalogue Load(string? path = null)
    {
        using var stream = path is null ? EmbeddedData.Open("catalogue.json") : File.OpenRead(path);
        var file = JsonSerializer.Deserialize(stream, CatalogueJson.Default.CatalogueFile)
            ?? throw new InvalidDataException("The service catalogue file is empty.");
        var items = file.Items.Select(i => new CatalogueItem(i.ItemId, i.Category, i.Name, i.NameEn, i.DefaultFrequency, i.Skills, i.Trainings ?? [])).ToList();
        var trainings = (file.Trainings ?? []).Select(t => new TrainingKind(t.Training, t.Name, t.NameEn, t.ValidMonths)).ToList();
        var categories = file.Categories.Select(c => new CatalogueCategory(c.Category, c.Name, c.NameEn)).ToList();
        var skills = file.Skills.Select(s => new Skill(s.Skill, s.Name, s.NameEn)).ToList();
        var unknown = items.Where(i => !categories.Any(c => c.Category == i.Category)).Select(i => i.ItemId).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"Catalogue items with an unknown category: {string.Join(", ", unknown)}");
        }

        var unknownTrainings = items.SelectMany(i => i.Trainings ?? []).Where(t => !trainings.Any(k => k.TrainingId == t)).ToList();
        if (unknownTrainings.Count > 0)
        {
            throw new InvalidDataException($"Catalogue items require unknown trainings: {string.Join(", ", unknownTrainings)}");
        }

        return new ServiceCatalogue(categories, items, skills, trainings);
    }

    internal sealed record CatalogueFile(List<CategoryJson> Categories, List<ItemJson> Items, List<SkillJson> Skills, List<TrainingJson>? Trainings = null);

    internal sealed record CategoryJson(string Category, string Name, string NameEn);

    internal sealed record ItemJson(string ItemId, string Category, string Name, string NameEn, NeedFrequency DefaultFrequency, List<string> Skills, List<string>? Trainings = null);

    internal sealed record TrainingJson(string Training, string Name, string NameEn, int ValidMonths);

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
