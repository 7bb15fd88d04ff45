using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Orders;
using Boai.Orleans.Rules;
using Boai.Orleans.ServiceRecords;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>What a volunteer needs at a household's door: reachable only for households they serve.</summary>
public sealed record ServedHousehold(
    string HouseholdId,
    string DistrictId,
    string Community,
    string Address,
    GeoPoint? Location,
    string Category,
    string ResidentName,
    string? ContactRelation,
    string? ContactPhone);

/// <summary>A visit due today of one of the volunteer's pairings (its planned slot).</summary>
public sealed record TodayDueVisit(DateTimeOffset SlotStart, DateTimeOffset SlotEnd, DueVisitState State, string? VisitId);

public sealed record TodayPairing(string PairingId, string HouseholdId, string NeedId, string ItemId, SlotDto? Slot, TodayDueVisit? DueToday);

/// <summary>今日任务: the volunteer's pairings (with today's due visits), the orders they took and those offered to them.</summary>
public sealed record TodayDto(
    string VolunteerId,
    string? VisitInProgress,
    IReadOnlyList<TodayPairing> Pairings,
    IReadOnlyList<OrderView> Orders,
    IReadOnlyList<OrderView> Offers,
    IReadOnlyList<ServedHousehold> Households);

public sealed record NextStar(int Level, double Threshold, double HoursToGo);

public sealed record RecentVisit(
    string VisitId,
    string HouseholdId,
    DateTimeOffset CheckedInAt,
    DateTimeOffset? CheckedOutAt,
    double? Hours,
    VisitStatus Status,
    IReadOnlyList<string> Flags,
    string? Reason);

/// <summary>我的: hours, stars, the latest visits with their state, availability and the certificate's address.</summary>
public sealed record MeDto(
    string VolunteerId,
    string MaskedName,
    string DistrictId,
    VolunteerHours Hours,
    NextStar? NextStar,
    double? AverageRating,
    IReadOnlyList<SlotDto> Availability,
    IReadOnlyList<RecentVisit> RecentVisits,
    string CertificateUrl);

public sealed record AvailabilityBody(IReadOnlyList<SlotBody?>? Availability);

/// <summary>
/// The volunteer's phone app (<c>/volunteer/</c>): today's work, their own page, their availability. A household's
/// address and contact phone leave only for households the volunteer is actively paired with or holds an order for,
/// and each such read is audited.
/// </summary>
public static class PhoneApi
{
    public static RouteGroupBuilder MapPhoneApi(this RouteGroupBuilder api)
    {
        var volunteers = api.MapGroup("/volunteers").WithTags("Volunteer app");
        volunteers.MapGet("/{volunteerId}/today", Today)
            .WithSummary("今日任务: pairings with today's due visits and slots, orders taken, open offers, and the served households' address and contact phone (each read audited). The volunteer itself.")
            .Produces<TodayDto>().ProducesProblem(403).ProducesProblem(404);
        volunteers.MapGet("/{volunteerId}/me", Me)
            .WithSummary("我的: certified and pending hours, star level and hours to the next star, recent visits with their state, availability.")
            .Produces<MeDto>().ProducesProblem(403).ProducesProblem(404);
        volunteers.MapPut("/{volunteerId}/availability", PutAvailability)
            .WithSummary("The volunteer replaces their own weekly availability ([{day, start, end}]).")
            .Produces<MeDto>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Today(
        string volunteerId,
        Caller caller,
        IGrainFactory grains,
        DistrictDirectory directory,
        IOptions<OrderOptions> orderOptions,
        AuditLog audit,
        TimeProvider time,
        HttpContext http)
    {
        if (!caller.IsVolunteerItself(volunteerId))
        {
            return ApiProblems.Forbidden("只有义工本人 / Only the volunteer themselves");
        }

        if (await grains.GetGrain<IVolunteerGrain>(volunteerId).Get() is not { } volunteer)
        {
            return ApiProblems.NotFound($"义工 {volunteerId} 不存在 / No volunteer {volunteerId}");
        }

        var home = volunteer.Profile.DistrictId;
        var boards = await Task.WhenAll(OrderDistricts.Near(directory, home, orderOptions.Value.NeighbourDistrictKm)
            .Select(async d =>
            {
                var board = grains.GetGrain<IOrderBoardGrain>(d);
                return (Taken: (await board.List()).Where(o => o.VolunteerId == volunteerId && o.Status == OrderStatus.Claimed).ToList(),
                    Offers: await board.OffersFor(volunteerId, home));
            }));
        var taken = boards.SelectMany(b => b.Taken).OrderBy(o => o.WindowStart).ToList();
        var offers = boards.SelectMany(b => b.Offers).OrderBy(o => o.WindowStart).ThenBy(o => o.OrderId, StringComparer.Ordinal).ToList();

        var served = volunteer.Pairings.Select(p => p.HouseholdId).Concat(taken.Select(o => o.HouseholdId)).Distinct(StringComparer.Ordinal).ToList();
        var files = (await Task.WhenAll(served.Select(h => grains.GetGrain<IHouseholdGrain>(h).Get()))).OfType<HouseholdFile>().ToList();
        var dueByDistrict = new Dictionary<string, IReadOnlyList<DueVisit>>(StringComparer.Ordinal);
        foreach (var district in files.Select(f => f.Profile.DistrictId).Distinct(StringComparer.Ordinal))
        {
            dueByDistrict[district] = await grains.GetGrain<IDistrictGrain>(district).GetDueToday();
        }

        var pairings = new List<TodayPairing>();
        foreach (var pairing in volunteer.Pairings)
        {
            var file = files.FirstOrDefault(f => f.HouseholdId == pairing.HouseholdId);
            var view = file?.Pairings.FirstOrDefault(p => p.PairingId == pairing.PairingId);
            var need = file?.Needs.FirstOrDefault(n => n.NeedId == pairing.NeedId);
            var due = file is null ? null : dueByDistrict[file.Profile.DistrictId]
                .FirstOrDefault(d => d.PairingId == pairing.PairingId && d.VolunteerId == volunteerId);
            pairings.Add(new TodayPairing(
                pairing.PairingId,
                pairing.HouseholdId,
                pairing.NeedId,
                need?.ItemId ?? string.Empty,
                view?.Slot is { } slot ? SlotDto.From(slot) : null,
                due is null ? null : new TodayDueVisit(due.SlotStart, due.SlotEnd, due.State, due.VisitId)));
        }

        var households = files.Select(Served).ToList();
        var now = time.GetUtcNow();
        foreach (var household in households)
        {
            // Each household's address and phone handed to the volunteer is a read of the file, attributable to them.
            await audit.RecordAsync(
                new AuditEntry(now, caller.Sub, caller.Role, AuditLog.Read, "GET", "/api/v1/volunteers/{volunteerId}/today",
                    $"volunteerId={volunteerId};householdId={household.HouseholdId}", StatusCodes.Status200OK, http.TraceIdentifier),
                http.RequestAborted);
        }

        return TypedResults.Ok(new TodayDto(volunteerId, volunteer.VisitInProgress, pairings, taken, offers, households));
    }

    private static ServedHousehold Served(HouseholdFile file)
    {
        var profile = file.Profile;
        var contact = profile.Contacts.Count > 0 ? profile.Contacts[0] : null;
        var member = profile.Members.Count > 0 ? profile.Members[0] : null;
        return new ServedHousehold(
            file.HouseholdId,
            profile.DistrictId,
            profile.Community,
            profile.Address,
            profile.Location,
            profile.Category,
            Masking.Name(member?.Name),
            contact?.Relation,
            member?.Phone ?? contact?.Phone);
    }

    private static async Task<IResult> Me(
        string volunteerId, Caller caller, Access access, IGrainFactory grains, IVisitLedger ledger, TimeProvider time, IOptions<ServiceRulesOptions> rules)
    {
        var volunteer = await access.Volunteer(caller, volunteerId);
        return volunteer.Denied ?? TypedResults.Ok(await MeOf(volunteer.Value!, grains, ledger, time, rules.Value));
    }

    private static async Task<IResult> PutAvailability(
        string volunteerId, AvailabilityBody body, Caller caller, IGrainFactory grains, IVisitLedger ledger, TimeProvider time, IOptions<ServiceRulesOptions> rules)
    {
        var v = new Validation();
        var availability = VolunteersApi.Availability(v, body.Availability);
        if (body.Availability is null)
        {
            v.Add("availability", "必填 / Required");
        }

        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (!caller.IsVolunteerItself(volunteerId))
        {
            return ApiProblems.Forbidden("只有义工本人可以修改自己的服务时间 / Only the volunteer changes their own availability");
        }

        var grain = grains.GetGrain<IVolunteerGrain>(volunteerId);
        if (await grain.Get() is not { } current)
        {
            return ApiProblems.NotFound($"义工 {volunteerId} 不存在 / No volunteer {volunteerId}");
        }

        var outcome = await grain.Upsert(current.Profile with { Availability = availability }, caller.Sub);
        if (outcome.Failure is { } failure)
        {
            return ApiProblems.From(failure);
        }

        return TypedResults.Ok(await MeOf(outcome.Value!, grains, ledger, time, rules.Value));
    }

    /// <summary>How far back 我的 lists visits.</summary>
    private static readonly TimeSpan RecentWindow = TimeSpan.FromDays(92);

    private static async Task<MeDto> MeOf(VolunteerView volunteer, IGrainFactory grains, IVisitLedger ledger, TimeProvider time, ServiceRulesOptions rules)
    {
        // Finished visits come from the ledger, so coordinators' back-fills and decisions show too; the journal adds
        // the visits sent from the phone that are still open.
        var finished = await ledger.ReadVolunteerAsync(volunteer.VolunteerId, time.GetUtcNow() - RecentWindow).ToListAsync();
        var journal = await grains.GetGrain<IVolunteerJournalGrain>(volunteer.VolunteerId).Recent(20);
        var known = finished.Select(v => v.Entry.VisitId).ToHashSet(StringComparer.Ordinal);
        var open = await Task.WhenAll(journal.Where(j => !known.Contains(j.VisitId)).Select(j => grains.Visit(volunteer.VolunteerId, j.VisitId).Get()));
        var recent = open.OfType<VisitView>()
            .Select(v => new RecentVisit(v.VisitId, v.HouseholdId, v.CheckedInAt, v.CheckedOutAt, v.Hours, v.Status, v.Flags, v.DecisionReason))
            .Concat(finished.Select(v => new RecentVisit(
                v.Entry.VisitId, v.Entry.HouseholdId, v.Entry.CheckedInAt, v.Entry.CheckedOutAt, v.Entry.Hours, v.Status, v.Entry.Flags, v.Decision?.Reason)))
            .OrderByDescending(v => v.CheckedInAt)
            .Take(20)
            .ToList();
        var hours = volunteer.Hours;
        var next = rules.StarThresholds.Select((threshold, i) => (threshold, level: i + 1)).FirstOrDefault(t => hours.CertifiedHours < t.threshold);
        return new MeDto(
            volunteer.VolunteerId,
            Masking.Name(volunteer.Profile.Name),
            volunteer.Profile.DistrictId,
            hours,
            next.level == 0 ? null : new NextStar(next.level, next.threshold, Math.Round(next.threshold - hours.CertifiedHours, 2)),
            volunteer.AverageRating,
            volunteer.Profile.Availability.Select(SlotDto.From).ToList(),
            recent,
            $"/api/v1/volunteers/{volunteer.VolunteerId}/certificate.pdf");
    }
}
