using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Volunteers;

[GenerateSerializer]
public sealed class VolunteerState
{
    [Id(0)] public VolunteerProfile? Profile { get; set; }
    [Id(1)] public DateTimeOffset RegisteredAt { get; set; }
    [Id(2)] public Dictionary<string, PairingRef> Pairings { get; set; } = [];
    [Id(3)] public OpenVisit? VisitInProgress { get; set; }
    [Id(4)] public double CertifiedHours { get; set; }
    [Id(5)] public Dictionary<string, double> PendingVisits { get; set; } = [];
    /// <summary>Visits already counted, newest last, so a repeated message is not counted twice.</summary>
    [Id(6)] public List<string> CountedVisits { get; set; } = [];
    [Id(7)] public int VisitCount { get; set; }
    [Id(8)] public DateTimeOffset? LastServedAt { get; set; }
    [Id(9)] public List<string> HouseholdsServed { get; set; } = [];
    [Id(10)] public List<Rating> Ratings { get; set; } = [];
    [Id(11)] public List<Training> Trainings { get; set; } = [];
}

[GenerateSerializer, Immutable]
public sealed record OpenVisit([property: Id(0)] string VisitId, [property: Id(1)] string HouseholdId, [property: Id(2)] DateTimeOffset At);

/// <summary>A volunteer's record, pairings, visit in progress and hour balances; reports itself to its district.</summary>
public sealed class VolunteerGrain(
    [PersistentState("volunteer")] IPersistentState<VolunteerState> state,
    DistrictDirectory districts,
    TimeProvider time,
    IOptions<ServiceRulesOptions> rules) : Grain, IVolunteerGrain
{
    private const int CountedVisitsKept = 1_000;
    private readonly ServiceRulesOptions _rules = rules.Value;

    private string VolunteerId => this.GetPrimaryKeyString();

    private VolunteerState S => state.State;

    public async Task<Outcome<VolunteerView>> Upsert(VolunteerProfile profile, string by)
    {
        if (districts.Find(profile.DistrictId) is null)
        {
            return Failure.Invalid("districtId", "未知镇区 / Unknown district");
        }

        var created = S.Profile is null;
        var movedFrom = S.Profile?.DistrictId is { } old && old != profile.DistrictId ? old : null;
        if (created)
        {
            S.RegisteredAt = time.GetUtcNow();
        }

        S.Profile = profile;
        if (profile.Status == VolunteerStatus.Left)
        {
            S.VisitInProgress = null;
        }

        await state.WriteStateAsync();
        if (profile.Status != VolunteerStatus.Active)
        {
            // The district learns the volunteer is out before it learns of the needs that uncovers, so the suggestions
            // it prepares for those needs at once never name this volunteer.
            await PublishAsync();
        }

        // Told every time, not only on a change: a retry after a failure here must finish the job. Idempotent there.
        await Task.WhenAll(S.Pairings.Values.Select(p => p.HouseholdId).Distinct()
            .Select(h => GrainFactory.GetGrain<IHouseholdGrain>(h).VolunteerStatusChanged(VolunteerId, profile.Status)));
        if (profile.Status == VolunteerStatus.Left && S.Pairings.Count > 0)
        {
            S.Pairings.Clear();
            await state.WriteStateAsync();
        }

        if (movedFrom is not null)
        {
            await GrainFactory.GetGrain<IDistrictGrain>(movedFrom).RemoveVolunteer(VolunteerId);
        }

        await PublishAsync();
        return Outcome<VolunteerView>.Ok(View(), created);
    }

    public Task<VolunteerView?> Get() => Task.FromResult(S.Profile is null ? null : View());

    public Task<VolunteerHours?> GetHours() => Task.FromResult(S.Profile is null ? null : Hours());

    public async Task<Outcome<VolunteerView>> AddTraining(Training training)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("志愿者不存在 / Volunteer not found");
        }

        S.Trainings.Add(training);
        await state.WriteStateAsync();
        // Trainings gate tasks: the district matches on them.
        await PublishAsync();
        return Outcome<VolunteerView>.Ok(View());
    }

    public async Task<Outcome<VolunteerView>> Rate(Rating rating)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("志愿者不存在 / Volunteer not found");
        }

        if (rating.Stars is < 1 or > 5)
        {
            return Failure.Invalid("stars", "评分须为 1–5 / Stars must be 1 to 5");
        }

        S.Ratings.Add(rating);
        await state.WriteStateAsync();
        await PublishAsync();
        return Outcome<VolunteerView>.Ok(View());
    }

    public async Task<Outcome<bool>> BeginVisit(string visitId, string householdId, DateTimeOffset at)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("志愿者不存在 / Volunteer not found");
        }

        if (S.VisitInProgress is { } open)
        {
            return open.VisitId == visitId
                ? Outcome<bool>.Ok(true)
                : Failure.Conflict($"已有进行中的探访 {open.VisitId} / Visit {open.VisitId} is still in progress");
        }

        if (S.Profile.Status != VolunteerStatus.Active)
        {
            return Failure.Forbidden("志愿者已暂停或离开 / The volunteer is paused or has left");
        }

        S.VisitInProgress = new OpenVisit(visitId, householdId, at);
        await state.WriteStateAsync();
        return Outcome<bool>.Ok(true, created: true);
    }

    public async Task RecordVisit(string visitId, string householdId, DateTimeOffset checkedOutAt, double hours, VisitStatus status)
    {
        if (S.VisitInProgress?.VisitId == visitId)
        {
            S.VisitInProgress = null;
        }

        if (!S.CountedVisits.Contains(visitId))
        {
            S.CountedVisits.Add(visitId);
            if (S.CountedVisits.Count > CountedVisitsKept)
            {
                S.CountedVisits.RemoveAt(0);
            }

            S.VisitCount++;
            if (S.LastServedAt is null || S.LastServedAt < checkedOutAt)
            {
                S.LastServedAt = checkedOutAt;
            }

            if (!S.HouseholdsServed.Contains(householdId))
            {
                S.HouseholdsServed.Add(householdId);
            }

            if (status == VisitStatus.Certified)
            {
                S.CertifiedHours = Math.Round(S.CertifiedHours + hours, 2);
            }
            else if (status == VisitStatus.CheckedOut)
            {
                S.PendingVisits[visitId] = hours;
            }
        }

        await state.WriteStateAsync();
        await PublishAsync();
    }

    public async Task ApplyDecision(string visitId, double hours, VisitStatus decision)
    {
        if (!S.PendingVisits.Remove(visitId))
        {
            return;
        }

        if (decision == VisitStatus.Certified)
        {
            S.CertifiedHours = Math.Round(S.CertifiedHours + hours, 2);
        }

        await state.WriteStateAsync();
        await PublishAsync();
    }

    public async Task PairingStarted(PairingRef pairing)
    {
        if (S.Pairings.TryAdd(pairing.PairingId, pairing))
        {
            await state.WriteStateAsync();
            await PublishAsync();
        }
    }

    public async Task PairingEnded(string pairingId)
    {
        if (S.Pairings.Remove(pairingId))
        {
            await state.WriteStateAsync();
            await PublishAsync();
        }
    }

    private VolunteerHours Hours() => new(
        VolunteerId,
        S.CertifiedHours,
        Math.Round(S.PendingVisits.Values.Sum(), 2),
        HoursRules.StarLevel(S.CertifiedHours, _rules),
        S.VisitCount);

    private double AverageRating => S.Ratings.Count == 0 ? 0 : Math.Round(S.Ratings.Average(r => r.Stars), 2);

    private VolunteerView View() => new(
        VolunteerId,
        S.Profile!,
        S.Pairings.Values.OrderBy(p => p.StartedAt).ToList(),
        S.VisitInProgress?.VisitId,
        Hours(),
        S.Ratings.Count == 0 ? null : AverageRating,
        S.Trainings,
        S.LastServedAt,
        S.RegisteredAt);

    private Task PublishAsync()
    {
        if (S.Profile is not { } p)
        {
            return Task.CompletedTask;
        }

        var hours = Hours();
        var summary = new VolunteerSummary(
            VolunteerId,
            p.DistrictId,
            Masking.Name(p.Name),
            p.Status,
            p.Skills,
            p.Availability,
            p.Willingness.Categories,
            p.Willingness.MaxTravelKm,
            p.Home,
            S.Pairings.Count,
            AverageRating,
            S.LastServedAt,
            hours.CertifiedHours,
            hours.PendingHours,
            hours.StarLevel,
            S.HouseholdsServed,
            S.Trainings);
        return GrainFactory.GetGrain<IDistrictGrain>(p.DistrictId).UpsertVolunteer(summary);
    }
}
