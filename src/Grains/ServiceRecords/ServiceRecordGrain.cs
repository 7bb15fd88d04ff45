using Boai.Orleans.Storage;
using System.Collections.Immutable;
using Boai.Orleans.Live;
using Boai.Orleans.Model;

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
            await GrainFactory.GetGrain<IVolunteerJournalGrain>(S.Owner!.VolunteerId).Add(new JournalEntry(this.GetPrimaryKeyString(), S.Owner.HouseholdId, S.SubmittedAt.Value));
            return Outcome<ServiceRecordView>.Ok(View(S));
        }

        var next = Copy(owner);
        next.Observations = [.. observations];
        next.Notes = notes;
        next.SubmittedAt = at;
        await state.WriteOrReloadAsync(next, this);
        await GrainFactory.GetGrain<IVolunteerJournalGrain>(owner.VolunteerId).Add(new JournalEntry(this.GetPrimaryKeyString(), owner.HouseholdId, at));
        if (observations.Count > 0)
        {
            // Live events leave from what is stored: after the write above.
            LiveEvent attention = new VisitAttentionEvent
            {
                DistrictId = owner.DistrictId,
                VisitId = this.GetPrimaryKeyString(),
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
        if (S.Rating is not null)
        {
            return Failure.Conflict("这次服务已评价 / This visit was already rated", "alreadyRated");
        }

        var next = Copy(owner);
        next.Rating = rating;
        await state.WriteOrReloadAsync(next, this);
        return Outcome<ServiceRecordView>.Ok(View(S), created: true);
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
        this.GetPrimaryKeyString(),
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
    [Id(0)] public Dictionary<string, int> ByVisit { get; set; } = [];
}

/// <summary>A district's residents' ratings, one per visit (a repeated rating of a visit counts once).</summary>
public sealed class SatisfactionGrain([PersistentState("satisfaction")] IPersistentState<SatisfactionState> state) : Grain, ISatisfactionGrain
{
    public async Task<SatisfactionView> Add(string visitId, int satisfaction)
    {
        if (!state.State.ByVisit.ContainsKey(visitId))
        {
            var next = new SatisfactionState { ByVisit = new Dictionary<string, int>(state.State.ByVisit) { [visitId] = satisfaction } };
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

        return View();
    }

    public Task<SatisfactionView> Get() => Task.FromResult(View());

    private SatisfactionView View()
    {
        var scores = state.State.ByVisit.Values;
        return new SatisfactionView(
            this.GetPrimaryKeyString(),
            scores.Count,
            scores.Count == 0 ? null : Math.Round(scores.Average(), 2),
            Enumerable.Range(1, 5).ToDictionary(s => s, s => scores.Count(x => x == s)));
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
