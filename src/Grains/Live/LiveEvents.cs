using System.Text.Json.Serialization;
using Boai.Orleans.Districts;
using Boai.Orleans.Orders;

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
    /// <summary>Visits due today (beyond CONTRACT's fields).</summary>
    [Id(6)] public int DueToday { get; init; }
    /// <summary>Visits due today that are late: not checked in by the slot's start plus the grace.</summary>
    [Id(7)] public int LateToday { get; init; }
    /// <summary>Share of open needs covered (0..1), the same figure as the district's summary, so a card never freezes it.</summary>
    [Id(8)] public double Coverage { get; init; } = 1;

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
        Coverage = s.Coverage,
    };
}

/// <summary>
/// An event (also) for given volunteers: the hub sends it to each one's own group, and to the district's group only
/// when <see cref="AlsoToDistrict"/>. The list routes the event; it is never part of the payload.
/// </summary>
public interface IVolunteerLiveEvent
{
    IReadOnlyList<string> Volunteers { get; }

    bool AlsoToDistrict { get; }
}

/// <summary>A menu order is on offer to the volunteers who may take it (sent to those volunteers only).</summary>
[GenerateSerializer, Immutable]
public sealed record OrderOfferedEvent : LiveEvent, IVolunteerLiveEvent
{
    [Id(0)] public required string OrderId { get; init; }
    [Id(1)] public required string HouseholdId { get; init; }
    [Id(2)] public required string ItemId { get; init; }
    [Id(3)] public required string Category { get; init; }
    [Id(4)] public required DateTimeOffset WindowStart { get; init; }
    [Id(5)] public required DateTimeOffset WindowEnd { get; init; }
    [Id(6), JsonIgnore] public IReadOnlyList<string> Volunteers { get; init; } = [];

    [JsonIgnore]
    public bool AlsoToDistrict => false;

    public override string Kind => "orderOffered";
}

/// <summary>A menu order was placed, taken, released, completed or cancelled: to the district, and to the volunteers it was offered to.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderUpdatedEvent : LiveEvent, IVolunteerLiveEvent
{
    [Id(0)] public required string OrderId { get; init; }
    [Id(1)] public required string HouseholdId { get; init; }
    [Id(2)] public required string ItemId { get; init; }
    [Id(3)] public required OrderStatus Status { get; init; }
    [Id(4)] public string? VolunteerId { get; init; }
    [Id(5)] public required DateTimeOffset WindowStart { get; init; }
    [Id(6)] public required DateTimeOffset WindowEnd { get; init; }
    [Id(7)] public DateTimeOffset? EscalatesAt { get; init; }
    [Id(8)] public required DateTimeOffset At { get; init; }
    [Id(9), JsonIgnore] public IReadOnlyList<string> Volunteers { get; init; } = [];

    [JsonIgnore]
    public bool AlsoToDistrict => true;

    public override string Kind => "orderUpdated";
}

/// <summary>A menu order stayed unclaimed too long: it is on the uncovered list, and its district's coordinators are told.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderEscalatedEvent : LiveEvent
{
    [Id(0)] public required string OrderId { get; init; }
    [Id(1)] public required string HouseholdId { get; init; }
    [Id(2)] public required string ItemId { get; init; }
    [Id(3)] public required DateTimeOffset Since { get; init; }

    public override string Kind => "orderEscalated";
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
