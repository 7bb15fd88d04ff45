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

[GenerateSerializer, Immutable]
public sealed record DistrictSummaryEvent : LiveEvent
{
    [Id(0)] public required int Households { get; init; }
    [Id(1)] public required int OpenNeeds { get; init; }
    [Id(2)] public required int UncoveredNeeds { get; init; }
    [Id(3)] public required int ActiveVisits { get; init; }
    [Id(4)] public required int CheckInsToday { get; init; }
    [Id(5)] public required double ActiveVolunteerRate { get; init; }
    /// <summary>Visits due today (beyond CONTRACT's fields).</summary>
    [Id(6)] public int DueToday { get; init; }
    /// <summary>Visits due today that are late: not checked in by the slot's start plus the grace.</summary>
    [Id(7)] public int LateToday { get; init; }

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
        DueToday = s.DueToday,
        LateToday = s.LateToday,
    };
}

/// <summary>A visit due today was not checked in by its slot's start plus the grace (EVV's "not yet checked in").</summary>
[GenerateSerializer, Immutable]
public sealed record VisitLateEvent : LiveEvent
{
    [Id(0)] public required string NeedId { get; init; }
    [Id(1)] public required string HouseholdId { get; init; }
    [Id(2)] public required string VolunteerId { get; init; }
    [Id(3)] public required DateTimeOffset SlotStart { get; init; }
    [Id(4)] public required DateTimeOffset Since { get; init; }

    public override string Kind => "visitLate";
}
