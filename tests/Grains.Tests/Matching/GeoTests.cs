using Boai.Orleans.Matching;

namespace Boai.Orleans.Grains.Tests.Matching;

public sealed class GeoTests
{
    private static double TextbookHaversineKm(double lat1, double lng1, double lat2, double lng2)
    {
        static double Rad(double degrees) => degrees * Math.PI / 180;
        var a = Math.Pow(Math.Sin(Rad(lat2 - lat1) / 2), 2) + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Pow(Math.Sin(Rad(lng2 - lng1) / 2), 2));
        return 2 * 6371 * Math.Asin(Math.Sqrt(a));
    }

    [Theory]
    [InlineData(22.52, 113.39, 22.52, 113.39)]
    [InlineData(22.52, 113.39, 22.52005, 113.39)]
    [InlineData(22.52, 113.39, 22.5312, 113.4021)]
    [InlineData(22.52, 113.39, 22.71, 113.18)]
    [InlineData(22.52, 113.39, 39.9, 116.4)]
    public void Prepared_haversine_agrees_with_the_textbook_formula(double lat1, double lng1, double lat2, double lng2)
    {
        var km = Geo.KmFromTerm(Geo.Term(GeoTrig.FromDegrees(lat1, lng1), GeoTrig.FromDegrees(lat2, lng2)));

        Assert.Equal(TextbookHaversineKm(lat1, lng1, lat2, lng2), km, tolerance: 1e-4);
    }

    [Fact]
    public void Travel_limit_term_separates_nearer_from_farther_points()
    {
        var home = GeoTrig.FromDegrees(22.52, 113.39);
        var limit = Geo.TermOfKm(5);

        Assert.True(Geo.Term(home, GeoTrig.FromDegrees(22.52 + (4.9 / 111.195), 113.39)) <= limit);
        Assert.True(Geo.Term(home, GeoTrig.FromDegrees(22.52 + (5.1 / 111.195), 113.39)) > limit);
    }
}
