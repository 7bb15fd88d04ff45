using Boai.Orleans.Storage;
using System.Collections.Immutable;
using Boai.Orleans.Live;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;

namespace Boai.Orleans.ServiceRecords;

[GenerateSerializer]
public sealed class ServiceRecordState
{
    [Id(0)] public VisitOwner? Owner { get; set; }
    [Id(1)] public List<Observation> Observations { get; set; } = [];
    [Id(2)] public string? Notes { get; set; }
    [Id(3)] public List<ServicePhoto> Photos { get; set; } = [];
    [Id(4)] public DateTimeOffset? PlacardVerifiedAt { get; set; }
    [Id(5)] public DateTimeOffset? SubmittedAt { get; set; }
    [Id(6)] public ResidentRating? Rating { get; set; }
}

/// <summary>
/// One visit's service-record extras. Each command builds the new state aside and adopts it only once stored, so a
/// retried upload is never answered from memory that storage never saw.
/// </summary>
public sealed class ServiceRecordGrain(
    [PersistentState("serviceRecord")] IPersistentState<ServiceRecordState> state) : Grain, IServiceRecordGrain
{
    private ServiceRecordState S => state.State;

    /// <summary>The phone's id of the visit (the grain's key is its <see cref="VisitKey"/>).</summary>
    private string VisitId => VisitKey.Parse(this.GetPrimaryKeyString()).VisitId;

    public Task<ServiceRecordView?> Get() => Task.FromResult(S.Owner is null ? null : View(S));

    public Task<bool> HasRoomFor(string photoId, int maxPhotos) =>
        Task.FromResult(S.Photos.Any(p => p.PhotoId == photoId) || S.Photos.Count < maxPhotos);

    public async Task<Outcome<ServiceRecordView>> AddPhoto(VisitOwner owner, ServicePhoto photo, int maxPhotos)
    {
        if (S.Photos.Any(p => p.PhotoId == photo.PhotoId))
        {
            return Outcome<ServiceRecordView>.Ok(View(S));
        }

        if (S.Photos.Count >= maxPhotos)
        {
            return Failure.Conflict($"每次探访最多 {maxPhotos} 张照片 / At most {maxPhotos} photos per visit", "tooManyPhotos");
        }

        var next = Copy(owner);
        next.Photos.Add(photo);
        await state.WriteOrReloadAsync(next, this);
        return Outcome<ServiceRecordView>.Ok(View(S), created: true);
    }

    public async Task<Outcome<ServiceRecordView>> Submit(VisitOwner owner, IReadOnlyList<Observation> observations, string? notes, DateTimeOffset at)
    {
        if (S.SubmittedAt is not null)
        {
            if (!S.Observations.SequenceEqual(observations) || S.Notes != notes)
            {
                return Failure.Conflict("服务套表已提交 / The service record was already submitted with other content");
            }

            // A replay may follow a first attempt that failed after the write: the journal entry is idempotent.
            await GrainFactory.GetGrain<IVolunteerJournalGrain>(S.Owner!.VolunteerId).Add(new JournalEntry(VisitId, S.Owner.HouseholdId, S.SubmittedAt.Value));
            return Outcome<ServiceRecordView>.Ok(View(S));
        }

        var next = Copy(owner);
        next.Observations = [.. observations];
        next.Notes = notes;
        next.SubmittedAt = at;
        await state.WriteOrReloadAsync(next, this);
        await GrainFactory.GetGrain<IVolunteerJournalGrain>(owner.VolunteerId).Add(new JournalEntry(VisitId, owner.HouseholdId, at));
        if (observations.Count > 0)
        {
            // Live events leave from what is stored: after the write above.
            LiveEvent attention = new VisitAttentionEvent
            {
                DistrictId = owner.DistrictId,
                VisitId = VisitId,
                VolunteerId = owner.VolunteerId,
                HouseholdId = owner.HouseholdId,
                Observations = observations,
                At = at,
            };
            await GrainFactory.GetGrain<ILiveEventPublisherGrain>(0).Publish([attention]);
        }

        return Outcome<ServiceRecordView>.Ok(View(S), created: true);
    }

    public async Task<Outcome<ServiceRecordView>> VerifyPlacard(VisitOwner owner, DateTimeOffset at)
    {
        if (S.PlacardVerifiedAt is not null)
        {
            return Outcome<ServiceRecordView>.Ok(View(S));
        }

        var next = Copy(owner);
        next.PlacardVerifiedAt = at;
        await state.WriteOrReloadAsync(next, this);
        return Outcome<ServiceRecordView>.Ok(View(S), created: true);
    }

    public async Task<Outcome<ServiceRecordView>> Rate(VisitOwner owner, ResidentRating rating)
    {
        // One rating per visit: rating again replaces it, and the district's figure counts the visit once.
        var previous = S.Rating;
        var next = Copy(owner);
        next.Rating = rating;
        await state.WriteOrReloadAsync(next, this);
        await GrainFactory.GetGrain<ISatisfactionGrain>(S.Owner!.DistrictId)
            .Record(new DistrictRating(VisitId, S.Owner.VolunteerId, rating.Satisfaction, rating.Comment, rating.At), previous?.Satisfaction);
        return Outcome<ServiceRecordView>.Ok(View(S), created: previous is null);
    }

    private ServiceRecordState Copy(VisitOwner owner) => new()
    {
        Owner = S.Owner ?? owner,
        Observations = [.. S.Observations],
        Notes = S.Notes,
        Photos = [.. S.Photos],
        PlacardVerifiedAt = S.PlacardVerifiedAt,
        SubmittedAt = S.SubmittedAt,
        Rating = S.Rating,
    };


    private ServiceRecordView View(ServiceRecordState s) => new(
        VisitId,
        s.Owner!.VolunteerId,
        s.Owner.HouseholdId,
        s.Owner.DistrictId,
        s.Observations.ToImmutableArray(),
        s.Notes,
        s.Photos.ToImmutableArray(),
        s.PlacardVerifiedAt,
        s.SubmittedAt,
        s.Rating);
}

[GenerateSerializer]
public sealed class SatisfactionState
{
    /// <summary>The first layout: every rated visit, unbounded. Folded into <see cref="Counts"/> on activation, then emptied.</summary>
    [Id(0)] public Dictionary<string, int> ByVisit { get; set; } = [];

    /// <summary>How many visits were rated 1, 2, 3, 4 and 5: the figure, whatever the number of ratings.</summary>
    [Id(1)] public int[] Counts { get; set; } = new int[5];

    /// <summary>The latest ratings, newest first, at most <see cref="SatisfactionGrain.MaxListed"/>.</summary>
    [Id(2)] public List<DistrictRating> Latest { get; set; } = [];
}

/// <summary>
/// A district's residents' ratings: counts per score (one per visit; a re-rating replaces its visit's) and the latest
/// <see cref="MaxListed"/> ratings for coordinators to page through. Bounded, however many visits the district rates.
/// </summary>
public sealed class SatisfactionGrain([PersistentState("satisfaction")] IPersistentState<SatisfactionState> state) : Grain, ISatisfactionGrain
{
    public const int MaxListed = 500;

    // The first layout is read as counts; the next rating stores it so (a failed write leaves storage as it was).
    private SatisfactionState Current => state.State.ByVisit.Count > 0 ? Fold(state.State) : state.State;

    public async Task<SatisfactionView> Record(DistrictRating rating, int? previous)
    {
        var current = Current;
        var next = new SatisfactionState { Counts = [.. current.Counts], Latest = [.. current.Latest] };
        // The listed rating of the visit, where still listed, is what was counted; else the caller's previous one.
        var replaced = next.Latest.FindIndex(r => r.VisitId == rating.VisitId && r.VolunteerId == rating.VolunteerId);
        var counted = replaced >= 0 ? next.Latest[replaced].Satisfaction : previous;
        if (replaced >= 0)
        {
            next.Latest.RemoveAt(replaced);
        }

        if (counted is int old && next.Counts[old - 1] > 0)
        {
            next.Counts[old - 1]--;
        }

        next.Counts[rating.Satisfaction - 1]++;
        next.Latest.Insert(0, rating);
        if (next.Latest.Count > MaxListed)
        {
            next.Latest.RemoveRange(MaxListed, next.Latest.Count - MaxListed);
        }

        await state.WriteOrReloadAsync(next, this);
        return View();
    }

    public Task<SatisfactionView> Get() => Task.FromResult(View());

    public Task<DistrictRatingsPage> Page(int offset, int limit) =>
        Task.FromResult(new DistrictRatingsPage(
            this.GetPrimaryKeyString(),
            Current.Latest.Count,
            [.. Current.Latest.Skip(offset).Take(limit)],
            offset + limit < Current.Latest.Count ? offset + limit : null));

    private static SatisfactionState Fold(SatisfactionState old)
    {
        var counts = (int[])old.Counts.Clone();
        foreach (var score in old.ByVisit.Values.Where(s => s is >= 1 and <= 5))
        {
            counts[score - 1]++;
        }

        return new SatisfactionState { Counts = counts, Latest = old.Latest };
    }

    private SatisfactionView View()
    {
        var counts = Current.Counts;
        var total = counts.Sum();
        return new SatisfactionView(
            this.GetPrimaryKeyString(),
            total,
            total == 0 ? null : Math.Round(Enumerable.Range(1, 5).Sum(s => s * counts[s - 1]) / (double)total, 2),
            Enumerable.Range(1, 5).ToDictionary(s => s, s => counts[s - 1]));
    }
}

[GenerateSerializer]
public sealed class VolunteerJournalState
{
    [Id(0)] public List<JournalEntry> Entries { get; set; } = [];
}

/// <summary>The latest visits a volunteer recorded through the app (at most <see cref="Keep"/>).</summary>
public sealed class VolunteerJournalGrain([PersistentState("journal")] IPersistentState<VolunteerJournalState> state) : Grain, IVolunteerJournalGrain
{
    public const int Keep = 50;

    public async Task Add(JournalEntry entry)
    {
        if (state.State.Entries.Any(e => e.VisitId == entry.VisitId))
        {
            return;
        }

        var next = new VolunteerJournalState
        {
            Entries = [.. state.State.Entries.Append(entry).OrderByDescending(e => e.At).Take(Keep)],
        };
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }
    }

    public Task<IReadOnlyList<JournalEntry>> Recent(int take) =>
        Task.FromResult<IReadOnlyList<JournalEntry>>(state.State.Entries.Take(take).ToList());
}
