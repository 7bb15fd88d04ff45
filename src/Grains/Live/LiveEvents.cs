using Boai.Orleans.Districts;

namespace Boai.Orleans.Live;

/// <summary>An event of the live dashboard hub; <see cref="Kind"/> is the hub method name of CONTRACT.md.</summary>
[GenerateSerializer, Immutable]
public abstract record LiveEvent
{
    [Id(0)] public required string DistrictId { get; init; }

    public abstract string Kind { get; }
}

[GenerateSerializer, Immutable]
public sealed record VisitCheckedInEvent : LiveEvent
{
    [Id(0)] public required string VisitId { get; init; }
    [Id(1)] public required string VolunteerId { get; init; }
    [Id(2)] public required string HouseholdId { get; init; }
    [Id(3)] public required DateTimeOffset At { get; init; }

    public override string Kind => "visitCheckedIn";
}

[GenerateSerializer, Immutable]
public sealed record VisitCheckedOutEvent : LiveEvent
{
    [Id(0)] public required string VisitId { get; init; }
    [Id(1)] public required string VolunteerId { get; init; }
    [Id(2)] public required string HouseholdId { get; init; }
    [Id(3)] public required DateTimeOffset At { get; init; }
    [Id(4)] public required double Hours { get; init; }

    public override string Kind => "visitCheckedOut";
}

[GenerateSerializer, Immutable]
public sealed record NeedUncoveredEvent : LiveEvent
{
    [Id(0)] public required string NeedId { get; init; }
    [Id(1)] public required string HouseholdId { get; init; }
    [Id(2)] public required string Reason { get; init; }
    [Id(3)] public required DateTimeOffset Since { get; init; }
    [Id(4)] public string? ItemId { get; init; }
    [Id(5)] public string? Category { get; init; }

    public override string Kind => "needUncovered";
}

[GenerateSerializer, Immutable]
public sealed record NeedCoveredEvent : LiveEvent
{
    [Id(0)] public required string NeedId { get; init; }
    [Id(1)] public required string HouseholdId { get; init; }
    [Id(2)] public required DateTimeOffset At { get; init; }

    public override string Kind => "needCovered";
}

/// <summary>
/// Suggestions made ready, without anyone asking, for a need its volunteer's leaving or pausing uncovered (服务匹配):
/// the best volunteers of the district, names masked. It follows the need's <see cref="NeedUncoveredEvent"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SuggestionsReadyEvent : LiveEvent
{
    [Id(0)] public required string NeedId { get; init; }
    [Id(1)] public required string HouseholdId { get; init; }
    [Id(2)] public required string Reason { get; init; }
    [Id(3)] public required IReadOnlyList<SuggestedVolunteer> Suggestions { get; init; }

    public override string Kind => "suggestionsReady";
}

[GenerateSerializer, Immutable]
public sealed record DistrictSummaryEvent : LiveEvent
{
    [Id(0)] public required int Households { get; init; }
    [Id(1)] public required int OpenNeeds { get; init; }
    [Id(2)] public required int UncoveredNeeds { get; init; }
    [Id(3)] public required int ActiveVisits { get; init; }
    [Id(4)] public required int CheckInsToday { get; init; }
    [Id(5)] public required double ActiveVolunteerRate { get; init; }

    public override string Kind => "districtSummary";

    public static DistrictSummaryEvent From(DistrictSummary s) => new()
    {
        DistrictId = s.DistrictId,
        Households = s.Households,
        OpenNeeds = s.OpenNeeds,
        UncoveredNeeds = s.UncoveredNeeds,
        ActiveVisits = s.ActiveVisits,
        CheckInsToday = s.CheckInsToday,
        ActiveVolunteerRate = s.ActiveVolunteerRate,
    };
}
