using Boai.Orleans.Model;

namespace Boai.Orleans.ServiceRecords;

/// <summary>
/// The service record's extras of one visit, keyed by the visit's <c>VisitKey</c> (its volunteer and the id the phone
/// made). Kept apart from the visit
/// grain, which owns check-in, check-out and hours; every command is idempotent so the phone's outbox may repeat it.
/// </summary>
public interface IServiceRecordGrain : IGrainWithStringKey
{
    Task<ServiceRecordView?> Get();

    /// <summary>Adds a photo (the same photoId again answers the record unchanged); 409 past <paramref name="maxPhotos"/>.</summary>
    Task<Outcome<ServiceRecordView>> AddPhoto(VisitOwner owner, ServicePhoto photo, int maxPhotos);

    /// <summary>Whether one more photo (or this one again) may be stored.</summary>
    Task<bool> HasRoomFor(string photoId, int maxPhotos);

    /// <summary>Records observations and notes; the same again answers the same, a different record 409.</summary>
    Task<Outcome<ServiceRecordView>> Submit(VisitOwner owner, IReadOnlyList<Observation> observations, string? notes, DateTimeOffset at);

    /// <summary>The household's QR placard was scanned during the visit.</summary>
    Task<Outcome<ServiceRecordView>> VerifyPlacard(VisitOwner owner, DateTimeOffset at);

    /// <summary>The household rates the visit: one rating per visit, a second one replaces the first (created: the first).</summary>
    Task<Outcome<ServiceRecordView>> Rate(VisitOwner owner, ResidentRating rating);
}

/// <summary>A district's satisfaction (满意度) figure, one rating per visit, and its latest ratings.</summary>
public interface ISatisfactionGrain : IGrainWithStringKey
{
    /// <summary>Counts a visit's rating, replacing its earlier one (<paramref name="previous"/>, as the visit's record had it).</summary>
    Task<SatisfactionView> Record(DistrictRating rating, int? previous);

    Task<SatisfactionView> Get();

    /// <summary>The latest ratings, newest first, from <paramref name="offset"/>.</summary>
    Task<DistrictRatingsPage> Page(int offset, int limit);
}

/// <summary>The visits a volunteer recorded through the phone app, newest first (the "Me" page).</summary>
public interface IVolunteerJournalGrain : IGrainWithStringKey
{
    Task Add(JournalEntry entry);

    Task<IReadOnlyList<JournalEntry>> Recent(int take);
}
