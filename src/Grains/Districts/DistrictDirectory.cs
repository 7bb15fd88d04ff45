using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Model;

namespace Boai.Orleans.Districts;

public sealed record DistrictInfo(string DistrictId, string Name, string NameEn, GeoPoint Center, IReadOnlyList<string> Communities);

/// <summary>The districts (镇区) of the city the service runs for; Zhongshan's 24 by default (<c>Districts:Path</c> to change).</summary>
public sealed class DistrictDirectory
{
    private readonly FrozenDictionary<string, DistrictInfo> _byId;

    private DistrictDirectory(string city, IReadOnlyList<DistrictInfo> districts)
    {
        City = city;
        All = districts;
        _byId = districts.ToFrozenDictionary(d => d.DistrictId, StringComparer.Ordinal);
    }

    public string City { get; }

    public IReadOnlyList<DistrictInfo> All { get; }

    public DistrictInfo? Find(string? districtId) => districtId is not null && _byId.TryGetValue(districtId, out var d) ? d : null;

    public static DistrictDirectory Load(string? path = null)
    {
        using var stream = path is null ? EmbeddedData.Open("districts.json") : File.OpenRead(path);
        var file = JsonSerializer.Deserialize(stream, DistrictJson.Default.DistrictFile)
            ?? throw new InvalidDataException("The district file is empty.");
        return new DistrictDirectory(
            file.City,
            file.Districts.Select(d => new DistrictInfo(d.DistrictId, d.Name, d.NameEn, new GeoPoint(d.Center.Lat, d.Center.Lng), d.Communities)).ToList());
    }

    internal sealed record DistrictFile(string City, string CityEn, List<DistrictEntry> Districts);

    internal sealed record DistrictEntry(string DistrictId, string Name, string NameEn, PointJson Center, List<string> Communities);

    internal sealed record PointJson(double Lat, double Lng);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DistrictDirectory.DistrictFile))]
internal sealed partial class DistrictJson : JsonSerializerContext;
