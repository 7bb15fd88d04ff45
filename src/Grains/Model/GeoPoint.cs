namespace Boai.Orleans.Model;

[GenerateSerializer, Immutable]
public sealed record GeoPoint([property: Id(0)] double Lat, [property: Id(1)] double Lng)
{
    private const double EarthRadiusMeters = 6_371_000;

    /// <summary>Great-circle (haversine) distance in metres.</summary>
    public double DistanceMetersTo(GeoPoint other)
    {
        static double Rad(double degrees) => degrees * Math.PI / 180;
        var dLat = Rad(other.Lat - Lat);
        var dLng = Rad(other.Lng - Lng);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(Rad(Lat)) * Math.Cos(Rad(other.Lat)) * Math.Sin(dLng / 2) * Math.Sin(dLng / 2));
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    public static bool IsValid(double lat, double lng) => lat is >= -90 and <= 90 && lng is >= -180 and <= 180;
}

/// <summary>A location reported by a phone, with its accuracy.</summary>
[GenerateSerializer, Immutable]
public sealed record ReportedLocation(
    [property: Id(0)] double Lat,
    [property: Id(1)] double Lng,
    [property: Id(2)] double? AccuracyM)
{
    public GeoPoint Point => new(Lat, Lng);
}

/// <summary>A weekly free slot of a volunteer.</summary>
[GenerateSerializer, Immutable]
public sealed record WeeklySlot([property: Id(0)] DayOfWeek Day, [property: Id(1)] TimeOnly Start, [property: Id(2)] TimeOnly End);
