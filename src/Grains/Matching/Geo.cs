namespace Boai.Orleans.Matching;

/// <summary>Great-circle distance on prepared radians; same Earth radius as the domain's <c>GeoPoint</c>.</summary>
internal static class Geo
{
    public const double EarthRadiusKm = 6371;

    public static double Radians(double degrees) => degrees * (Math.PI / 180);

    /// <summary>Haversine distance in km between two points given in radians, with the cosines of their latitudes.</summary>
    public static double HaversineKm(double lat1, double lng1, double cosLat1, double lat2, double lng2, double cosLat2)
    {
        var sinDLat = Math.Sin((lat2 - lat1) / 2);
        var sinDLng = Math.Sin((lng2 - lng1) / 2);
        var a = (sinDLat * sinDLat) + (cosLat1 * cosLat2 * sinDLng * sinDLng);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
