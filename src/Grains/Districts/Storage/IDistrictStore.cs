namespace Boai.Orleans.Districts;

/// <summary>The kinds of rows a district's projection keeps; each kind has one value type (<see cref="DistrictRow"/>).</summary>
public enum DistrictRowKind
{
    /// <summary>A <see cref="HouseholdSummary"/> by household id.</summary>
    Household,

    /// <summary>A <see cref="VolunteerSummary"/> by volunteer id.</summary>
    Volunteer,

    /// <summary>An <see cref="ActiveVisit"/> (a visit in progress) by visit id.</summary>
    Active,

    /// <summary>A check-in of today (the visit id, tagged with the day).</summary>
    Today,

    /// <summary>A <see cref="MonthVisit"/> of this month (tagged with the month).</summary>
    Month,

    /// <summary>A <see cref="DueVisit"/> of today by pairing id (tagged with the day).</summary>
    Due,

    /// <summary>The last ledger sequence applied (a <see cref="long"/>) by ledger partition.</summary>
    Position,

    /// <summary>A <see cref="VolunteerActivity"/> by volunteer id: what the summary counts, without the volunteer's whole record.</summary>
    Activity,
}

/// <summary>One stored row of a district, its value already of its kind's type.</summary>
public sealed record DistrictRow(DistrictRowKind Kind, string Id, object Value, string? Tag);

/// <summary>
/// What a district's summary needs of a volunteer (registered, last served), kept apart from the whole record so that a
/// district answers its summary before its volunteers (越秀: 180,000) are read.
/// </summary>
public sealed record VolunteerActivity(
    [property: System.Text.Json.Serialization.JsonPropertyName("r")] bool Registered,
    [property: System.Text.Json.Serialization.JsonPropertyName("l")] DateTimeOffset? LastServedAt)
{
    public static VolunteerActivity Of(VolunteerSummary v) => new(v.Status != Model.VolunteerStatus.Left, v.LastServedAt);
}

/// <summary>The hours of a checked-out visit of this month, as the district counts them.</summary>
public sealed record MonthVisit(string VisitId, double Hours);

/// <summary>
/// Where a district's projection lives. Changes are made in memory (<see cref="Put{T}"/>, <see cref="Delete"/>) and go
/// out together in <see cref="FlushAsync"/>; the grain acknowledges an update only after the flush that holds it, and
/// tells the ledger which events a flush holds (<see cref="Ledger.ILedgerProjection.Stored"/>).
/// </summary>
public interface IDistrictStore
{
    bool HasChanges { get; }

    /// <summary>
    /// Every row of the district but the volunteers' whole records, once, at activation; it includes the volunteers put
    /// or deleted before an earlier activation had read the rest (<see cref="AdoptVolunteers"/>).
    /// </summary>
    Task<IReadOnlyList<DistrictRow>> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The volunteers' whole records as stored, once, after <see cref="LoadAsync"/>. Touches nothing else of the store,
    /// so it runs on the thread pool while the grain goes on; its result goes to <see cref="AdoptVolunteers"/>.
    /// </summary>
    Task<IReadOnlyList<DistrictRow>> ReadVolunteersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// On the grain's turn: takes the records <see cref="ReadVolunteersAsync"/> read. A volunteer put or deleted since
    /// <see cref="LoadAsync"/> (stored meanwhile on its own) keeps that newer state; returns the rows read that are still
    /// current. Volunteers may be put and deleted at any time, before and after.
    /// </summary>
    IReadOnlyList<DistrictRow> AdoptVolunteers(IReadOnlyList<DistrictRow> read);

    void Put<T>(DistrictRowKind kind, string id, T value, string? tag = null)
        where T : notnull;

    void Delete(DistrictRowKind kind, string id);

    /// <summary>Writes every pending change; on failure they stay pending (unless changed again meanwhile) and the error is thrown.</summary>
    Task FlushAsync();
}

/// <summary>Makes the store of one district (the grain's storage, behind an interface so it can be replaced or faulted in tests).</summary>
public interface IDistrictStoreFactory
{
    IDistrictStore Create(string districtId);
}
