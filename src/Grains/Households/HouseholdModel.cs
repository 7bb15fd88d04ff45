using Boai.Orleans.Model;

namespace Boai.Orleans.Households;

/// <summary>Marks a field that holds personal data: masked in lists and exports, read in full only by the household's coordinators.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class SensitiveAttribute : Attribute;

/// <summary>A member of a household's file ("一人一档"). Flags: 独居 livesAlone, 孤寡 noFamily, 残疾 disability, 留守儿童 leftBehindChild, 困境儿童 vulnerableChild.</summary>
[GenerateSerializer, Immutable]
public sealed record HouseholdMember(
    [property: Id(0), Sensitive] string Name,
    [property: Id(1)] int? Age,
    [property: Id(2)] IReadOnlyList<string> Flags,
    [property: Id(3), Sensitive] string? Phone = null,
    [property: Id(4), Sensitive] string? HealthNotes = null,
    [property: Id(5), Sensitive] string? IdNumber = null);

[GenerateSerializer, Immutable]
public sealed record HouseholdContact(
    [property: Id(0), Sensitive] string Name,
    [property: Id(1)] string Relation,
    [property: Id(2), Sensitive] string Phone);

/// <summary>The household's record as a coordinator creates or replaces it (PUT).</summary>
[GenerateSerializer, Immutable]
public sealed record HouseholdProfile(
    [property: Id(0)] string DistrictId,
    [property: Id(1)] string Community,
    [property: Id(2), Sensitive] string Address,
    [property: Id(3)] GeoPoint? Location,
    [property: Id(4)] string Category,
    [property: Id(5)] RiskLevel RiskLevel,
    [property: Id(6)] IReadOnlyList<HouseholdMember> Members,
    [property: Id(7)] IReadOnlyList<HouseholdContact> Contacts);

[GenerateSerializer]
public sealed class NeedRecord
{
    [Id(0)] public string NeedId { get; set; } = "";
    [Id(1)] public string ItemId { get; set; } = "";
    [Id(2)] public string Category { get; set; } = "";
    [Id(3)] public NeedFrequency Frequency { get; set; }
    [Id(4)] public int Priority { get; set; }
    [Id(5)] public List<string> Skills { get; set; } = [];
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
    [Id(7)] public DateTimeOffset? ClosedAt { get; set; }
    [Id(8)] public DateTimeOffset? LastVisitAt { get; set; }
    [Id(9)] public string? Notes { get; set; }

    public bool IsOpen => ClosedAt is null;
}

public enum PairingEnd
{
    EndedByCoordinator,
    VolunteerLeft,
    NeedClosed,
}

/// <summary>A pairing (结对) of a volunteer with one need of the household.</summary>
[GenerateSerializer]
public sealed class PairingRecord
{
    [Id(0)] public string PairingId { get; set; } = "";
    [Id(1)] public string NeedId { get; set; } = "";
    [Id(2)] public string VolunteerId { get; set; } = "";
    [Id(3)] public DateTimeOffset StartedAt { get; set; }
    [Id(4)] public DateTimeOffset? EndedAt { get; set; }
    [Id(5)] public PairingEnd? EndReason { get; set; }
    /// <summary>Set while the volunteer is paused: the pairing stands but serves nobody.</summary>
    [Id(6)] public DateTimeOffset? SuspendedAt { get; set; }
    [Id(7)] public string? CreatedBy { get; set; }
    /// <summary>The planned weekly visit (day, start and end in the districts' local time), for the due-today list.</summary>
    [Id(8)] public WeeklySlot? Slot { get; set; }

    public bool IsActive => EndedAt is null && SuspendedAt is null;

    public bool IsCurrent => EndedAt is null;
}

[GenerateSerializer, Immutable]
public sealed record VisitBrief(
    [property: Id(0)] string VisitId,
    [property: Id(1)] string VolunteerId,
    [property: Id(2)] string? NeedId,
    [property: Id(3)] DateTimeOffset CheckedInAt,
    [property: Id(4)] DateTimeOffset? CheckedOutAt,
    [property: Id(5)] double? Hours);
