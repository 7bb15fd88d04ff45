using System.Globalization;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Demo;

/// <summary>A training of a demo volunteer, dated relative to the day the demo is seeded.</summary>
public sealed record DemoTraining(string Name, int CompletedMonthsAgo, int? ExpiresInDays, string? Certificate)
{
    public Training On(DateOnly today) =>
        new(Name, today.AddMonths(-CompletedMonthsAgo), Certificate, ExpiresInDays is { } days ? today.AddDays(days) : null);
}

/// <summary>
/// The demo brigade's trainings (培训记录), by the volunteer's number in its district, so that in every district a
/// training-gated item (陪同就医 needs 急救培训, valid 36 months) has volunteers who may take it and volunteers left out:
/// about two in five hold a valid first-aid training (some expiring within the month), a quarter let it lapse, the rest
/// never took it. Most also took the general orientation (志愿服务通识培训), which gates nothing.
/// </summary>
public static class DemoTrainings
{
    public const string FirstAid = "急救培训";

    public static IReadOnlyList<DemoTraining> Of(string districtId, int number)
    {
        var list = new List<DemoTraining>();
        var spread = number * 7 % 11; // varies the dates without a random sequence of its own
        if (number % 5 != 0)
        {
            list.Add(new DemoTraining("志愿服务通识培训", 3 + spread, null, null));
        }

        switch (number % 4)
        {
            case 1:
                list.Add(new DemoTraining(FirstAid, 2 + spread, null, Certificate(districtId, number)));
                break;
            case 2:
                // Lapsed: completed more than 36 months ago.
                list.Add(new DemoTraining(FirstAid, 38 + spread, null, Certificate(districtId, number)));
                break;
            case 3 when number % 8 == 3:
                // Still valid, expiring within the month: the certificate's own expiry.
                list.Add(new DemoTraining(FirstAid, 35, 5 + spread, Certificate(districtId, number)));
                break;
        }

        return list;
    }

    /// <summary>Whether the volunteer's demo trainings hold a valid first-aid training (who may be paired to 陪同就医).</summary>
    public static bool HoldsFirstAid(string districtId, int number) =>
        Of(districtId, number).Any(t => t.Name == FirstAid && (t.ExpiresInDays > 0 || (t.ExpiresInDays is null && t.CompletedMonthsAgo < 36)));

    private static string Certificate(string districtId, int number) =>
        string.Create(CultureInfo.InvariantCulture, $"ZSHC-{districtId}-{number:000}");
}
