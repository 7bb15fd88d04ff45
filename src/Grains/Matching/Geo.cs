namespace Boai.Orleans.Matching;

/// <summary>
/// Haversine distance on prepared sines and cosines; same Earth radius as the domain's <c>GeoPoint</c>.
/// sin²(Δ/2) is written as (1 − cos Δ)/2 and cos Δ expanded with the precomputed sines and cosines, so the
/// per-pair work has no trigonometry, and the term is compared with a travel limit before any square root.
/// </summary>
internal static class Geo
{
    public const double EarthRadiusKm = 6371;

    public static double Radians(double degrees) => degrees * (Math.PI / 180);

    /// <summary>The haversine term a = sin²(Δlat/2) + cos lat1 · cos lat2 · sin²(Δlng/2), in [0, 1].</summary>
    public static double Term(in GeoTrig p, in GeoTrig q)
    {
        var cosDLat = (p.CosLat * q.CosLat) + (p.SinLat * q.SinLat);
        var cosDLng = (p.CosLng * q.CosLng) + (p.SinLng * q.SinLng);
        var a = ((1 - cosDLat) / 2) + (p.CosLat * q.CosLat * (1 - cosDLng) / 2);
        return Math.Clamp(a, 0, 1);
    }

    public static double KmFromTerm(double term) => 2 * EarthRadiusKm * Math.Asin(Math.Sqrt(term));

    /// <summary>The haversine term of a distance: a pair is within <paramref name="km"/> when its term is at most this.</summary>
    public static double TermOfKm(double km)
    {
        var half = Math.Min(km / EarthRadiusKm, Math.PI) / 2;
        return Math.Sin(half) * Math.Sin(half);
    }
}

/// <summary>A point's sines and cosines, computed once.</summary>
internal readonly record struct GeoTrig(double SinLat, double CosLat, double SinLng, double CosLng)
{
    public static GeoTrig FromDegrees(double lat, double lng)
    {
        var (sinLat, cosLat) = Math.SinCos(Geo.Radians(lat));
        var (sinLng, cosLng) = Math.SinCos(Geo.Radians(lng));
        return new(sinLat, cosLat, sinLng, cosLng);
    }
}
