using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;

namespace Boai.Orleans.Grains.Tests;

public sealed class RulesTests
{
    private static readonly ServiceRulesOptions Rules = new();
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static NeedRecord Need(NeedFrequency frequency = NeedFrequency.Weekly) =>
        new() { NeedId = "h1~n1", ItemId = "elderly-visit", Category = "elderly", Frequency = frequency, CreatedAt = T0 };

    private static PairingRecord Pairing(DateTimeOffset? ended = null, PairingEnd? reason = null, DateTimeOffset? suspended = null) =>
        new() { PairingId = "h1~p1", NeedId = "h1~n1", VolunteerId = "v1", StartedAt = T0, EndedAt = ended, EndReason = reason, SuspendedAt = suspended };

    [Theory]
    [InlineData(0, 0)]
    [InlineData(7, 0)]
    [InlineData(8, 0.25)]
    [InlineData(52, 0.75)]
    [InlineData(53, 1)]
    [InlineData(90, 1.5)]
    public void Hours_are_the_duration_rounded_to_the_nearest_quarter(int minutes, double hours) =>
        Assert.Equal(hours, HoursRules.Hours(minutes, Rules));

    [Fact]
    public void Hours_can_be_rounded_down_instead() =>
        Assert.Equal(0.75, HoursRules.Hours(59, new ServiceRulesOptions { HoursRounding = HoursRounding.Down }));

    [Fact]
    public void A_need_without_pairings_is_uncovered_since_it_was_made()
    {
        var coverage = CoverageRules.Evaluate(Need(), [], RiskLevel.General, null, null, T0.AddHours(1), Rules);

        Assert.Equal(new Coverage(false, UncoveredReason.NoActivePairing, T0, null), coverage);
    }

    [Fact]
    public void A_need_whose_volunteer_left_says_so()
    {
        var left = T0.AddDays(3);
        var coverage = CoverageRules.Evaluate(Need(), [Pairing(left, PairingEnd.VolunteerLeft)], RiskLevel.General, null, null, left, Rules);

        Assert.Equal(UncoveredReason.VolunteerLeft, coverage.Reason);
        Assert.Equal(left, coverage.Since);
    }

    [Fact]
    public void A_weekly_need_is_overdue_after_a_week_and_the_grace()
    {
        var need = Need();
        need.LastVisitAt = T0.AddDays(1);
        var due = T0.AddDays(1 + 7) + Rules.OverdueGrace;

        var before = CoverageRules.Evaluate(need, [Pairing()], RiskLevel.General, null, null, due.AddMinutes(-1), Rules);
        var after = CoverageRules.Evaluate(need, [Pairing()], RiskLevel.General, null, null, due, Rules);

        Assert.True(before.Covered);
        Assert.Equal(due, before.NextCheckAt);
        Assert.Equal(new Coverage(false, UncoveredReason.Overdue, due, null), after);
    }

    [Fact]
    public void A_high_risk_household_is_visited_weekly_whatever_the_need_says()
    {
        Assert.Equal(TimeSpan.FromDays(7), CoverageRules.Cadence(NeedFrequency.Monthly, RiskLevel.High, Rules));
        Assert.Equal(TimeSpan.FromDays(30), CoverageRules.Cadence(NeedFrequency.Quarterly, RiskLevel.Key, Rules));
        Assert.Equal(TimeSpan.FromDays(7), CoverageRules.Cadence(NeedFrequency.Weekly, RiskLevel.General, Rules));
    }

    [Fact]
    public void A_major_change_not_followed_by_a_visit_within_24_hours_uncovers_the_need()
    {
        var changed = T0.AddDays(2);
        var coverage = CoverageRules.Evaluate(Need(), [Pairing()], RiskLevel.Key, changed, T0, changed.AddHours(25), Rules);
        var visited = CoverageRules.Evaluate(Need(), [Pairing()], RiskLevel.Key, changed, changed.AddHours(3), changed.AddHours(25), Rules);

        Assert.Equal(UncoveredReason.MajorChangeNotVisited, coverage.Reason);
        Assert.Equal(changed.AddHours(24), coverage.Since);
        Assert.True(visited.Covered);
    }

    [Fact]
    public void A_location_far_from_the_household_is_flagged()
    {
        var home = new GeoPoint(22.522, 113.385);

        Assert.Null(HoursRules.LocationFlag(new ReportedLocation(22.5225, 113.3855, 20), home, Rules));
        Assert.Equal(HoursRules.OutsideRadius, HoursRules.LocationFlag(new ReportedLocation(22.60, 113.50, 20), home, Rules));
        Assert.Equal(HoursRules.NoLocation, HoursRules.LocationFlag(null, home, Rules));
    }

    [Theory]
    [InlineData(99.75, 0)]
    [InlineData(100, 1)]
    [InlineData(600, 3)]
    [InlineData(2000, 5)]
    public void Star_level_follows_the_configured_thresholds(double hours, int stars) =>
        Assert.Equal(stars, HoursRules.StarLevel(hours, Rules));

    [Theory]
    [InlineData("陈小明", "陈**")]
    [InlineData("李娜", "李*")]
    [InlineData("", "")]
    public void Names_are_masked_to_the_family_name(string name, string masked) => Assert.Equal(masked, Masking.Name(name));

    [Fact]
    public void Phones_keep_only_the_first_three_and_last_four_digits() => Assert.Equal("138****0000", Masking.Phone("13812340000"));

    [Fact]
    public void Need_and_pairing_ids_name_their_household()
    {
        Assert.Equal("h-001", Ids.OwnerHousehold(Ids.NeedId("h-001", 3), 'n'));
        Assert.Equal("h-001", Ids.OwnerHousehold(Ids.PairingId("h-001", 12), 'p'));
        Assert.Null(Ids.OwnerHousehold("h-001~n3", 'p'));
        Assert.Null(Ids.OwnerHousehold("garbage", 'n'));
        Assert.False(Ids.IsValid("a/b"));
        Assert.False(Ids.IsValid("h~1"));
    }
}
