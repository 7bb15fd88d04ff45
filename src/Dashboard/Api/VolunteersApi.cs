using System.Globalization;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Api;

public sealed record SlotBody(string? Day, string? Start, string? End);

public sealed record WillingnessBody(IReadOnlyList<string?>? Categories, double? MaxTravelKm);

public sealed record VolunteerBody(
    string? Name,
    string? Phone,
    string? DistrictId,
    IReadOnlyList<string?>? Skills,
    IReadOnlyList<SlotBody?>? Availability,
    string? Status,
    WillingnessBody? Willingness,
    PointBody? Home,
    string? VolunteerNumber,
    string? StatusReason = null);

/// <summary>A weekly free slot as JSON shows it: <c>{"day": "monday", "start": "09:00", "end": "12:00"}</c>.</summary>
public sealed record SlotDto(string Day, string Start, string End)
{
    public static SlotDto From(WeeklySlot slot) =>
        new(slot.Day.ToContract(), slot.Start.ToString("HH:mm", CultureInfo.InvariantCulture), slot.End.ToString("HH:mm", CultureInfo.InvariantCulture));
}

/// <summary>A volunteer's full record, for the volunteer itself and coordinators of its district.</summary>
public sealed record VolunteerDto(
    string VolunteerId,
    string Name,
    string Phone,
    string DistrictId,
    IReadOnlyList<string> Skills,
    IReadOnlyList<SlotDto> Availability,
    VolunteerStatus Status,
    Willingness Willingness,
    GeoPoint? Home,
    string? VolunteerNumber,
    IReadOnlyList<PairingRef> Pairings,
    string? VisitInProgress,
    VolunteerHours Hours,
    double? AverageRating,
    IReadOnlyList<Training> Trainings,
    DateTimeOffset? LastServedAt,
    DateTimeOffset RegisteredAt,
    string? StatusReason = null)
{
    public static VolunteerDto From(VolunteerView v) => new(
        v.VolunteerId, v.Profile.Name, v.Profile.Phone, v.Profile.DistrictId, v.Profile.Skills,
        v.Profile.Availability.Select(SlotDto.From).ToList(), v.Profile.Status, v.Profile.Willingness, v.Profile.Home,
        v.Profile.VolunteerNumber, v.Pairings, v.VisitInProgress, v.Hours, v.AverageRating, v.Trainings, v.LastServedAt, v.RegisteredAt,
        v.Profile.StatusReason);
}

public sealed record RatingBody(int? Stars, string? VisitId);

public sealed record RatingResult(string VolunteerId, double? AverageRating);

/// <summary>Volunteers' records (coordinators), and a volunteer's own record and hours.</summary>
public static class VolunteersApi
{
    public static RouteGroupBuilder MapVolunteersApi(this RouteGroupBuilder api)
    {
        var volunteers = api.MapGroup("/volunteers").WithTags("Volunteers");

        volunteers.MapPut("/{volunteerId}", Put)
            .WithSummary("Creates (201) or replaces (200) a volunteer. Leaving or pausing uncovers the needs they served.")
            .Produces<VolunteerDto>(StatusCodes.Status201Created).Produces<VolunteerDto>()
            .ProducesValidationProblem().ProducesProblem(403);
        volunteers.MapGet("/{volunteerId}", Get)
            .WithSummary("A volunteer's record: the volunteer itself, or coordinators of its district.")
            .Produces<VolunteerDto>().ProducesProblem(403).ProducesProblem(404);
        volunteers.MapGet("/{volunteerId}/hours", Hours)
            .WithSummary("Certified and pending hours, star level and number of visits.")
            .Produces<VolunteerHours>().ProducesProblem(403).ProducesProblem(404);
        volunteers.MapPost("/{volunteerId}/ratings", Rate)
            .WithSummary("A coordinator rates a volunteer after service (1–5 stars), optionally for one visit.")
            .Produces<RatingResult>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Put(
        string volunteerId, VolunteerBody body, Caller caller, Access access, IGrainFactory grains, ServiceCatalogue catalogue)
    {
        if (access.Staff(caller) is { } denied)
        {
            return denied;
        }

        var v = new Validation();
        v.Id("volunteerId", volunteerId);
        var profile = Profile(v, body, catalogue);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (access.IntoDistrict(caller, profile!.DistrictId) is { } outside)
        {
            return outside;
        }

        var grain = grains.GetGrain<IVolunteerGrain>(volunteerId);
        var current = await grain.Get();
        if (current is not null && !caller.CoversDistrict(current.Profile.DistrictId))
        {
            return ApiProblems.Forbidden();
        }

        if (current is null && await RecordCreation.ClaimAsync(grains, caller, "volunteer", volunteerId, profile.DistrictId) is { } taken)
        {
            return taken;
        }

        return (await grain.Upsert(profile, caller.Sub)).ToResult(VolunteerDto.From, $"/api/v1/volunteers/{volunteerId}");
    }

    private static async Task<IResult> Get(string volunteerId, Caller caller, Access access)
    {
        var volunteer = await access.Volunteer(caller, volunteerId);
        return volunteer.Denied ?? TypedResults.Ok(VolunteerDto.From(volunteer.Value!));
    }

    private static async Task<IResult> Hours(string volunteerId, Caller caller, Access access)
    {
        var volunteer = await access.Volunteer(caller, volunteerId);
        return volunteer.Denied ?? TypedResults.Ok(volunteer.Value!.Hours);
    }

    private static async Task<IResult> Rate(
        string volunteerId, RatingBody body, Caller caller, Access access, IGrainFactory grains, TimeProvider time)
    {
        var v = new Validation();
        if (body.Stars is not (>= 1 and <= 5))
        {
            v.Add("stars", "1 到 5 星 / 1 to 5 stars");
        }

        var visitId = string.IsNullOrEmpty(body.VisitId) ? null : v.Id("visitId", body.VisitId);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var volunteer = await access.Volunteer(caller, volunteerId, self: false);
        if (volunteer.Denied is not null)
        {
            return volunteer.Denied;
        }

        if (visitId is not null && await grains.Visit(volunteerId, visitId).Get() is null)
        {
            return ApiProblems.Invalid("visitId", "不是该义工的服务记录 / Not a visit of this volunteer");
        }

        var outcome = await grains.GetGrain<IVolunteerGrain>(volunteerId).Rate(new Rating(body.Stars!.Value, caller.Sub, time.GetUtcNow(), visitId));
        return outcome.ToOk(view => new RatingResult(view.VolunteerId, view.AverageRating));
    }

    internal static VolunteerProfile? Profile(Validation v, VolunteerBody body, ServiceCatalogue catalogue)
    {
        var name = v.Text("name", body.Name, 50);
        var phone = v.Phone("phone", body.Phone, required: true) ?? string.Empty;
        var districtId = v.Id("districtId", body.DistrictId);
        var skills = v.List("skills", body.Skills, catalogue.IsSkill);
        var status = v.Enum<VolunteerStatus>("status", body.Status, required: false, fallback: VolunteerStatus.Active)!.Value;
        var availability = Availability(v, body.Availability);
        var categories = v.List("willingness.categories", body.Willingness?.Categories, catalogue.IsCategory);
        var maxTravel = body.Willingness?.MaxTravelKm ?? 5;
        if (maxTravel is <= 0 or > 200)
        {
            v.Add("willingness.maxTravelKm", "0 到 200 公里 / Between 0 and 200 km");
        }

        var home = body.Home is null ? null : v.Point("home", body.Home.Lat, body.Home.Lng, required: true);
        var number = v.OptionalText("volunteerNumber", body.VolunteerNumber, 40);

        // Why a volunteer paused or left (optional in the contract; the page asks for it).
        var statusReason = status == VolunteerStatus.Active ? null : v.OptionalText("statusReason", body.StatusReason, 200);
        return v.IsValid
            ? new VolunteerProfile(name, phone, districtId, skills, availability, status, new Willingness(categories, maxTravel), home, number, statusReason)
            : null;
    }

    internal static List<WeeklySlot> Availability(Validation v, IReadOnlyList<SlotBody?>? slots)
    {
        var result = new List<WeeklySlot>();
        if (slots is null)
        {
            return result;
        }

        if (slots.Count > 50)
        {
            v.Add("availability", "最多 50 个时段 / At most 50 slots");
            return result;
        }

        for (var i = 0; i < slots.Count; i++)
        {
            if (Slot(v, $"availability[{i}]", slots[i]) is { } slot)
            {
                result.Add(slot);
            }
        }

        return result;
    }

    /// <summary>One weekly slot (<c>{"day": "monday", "start": "09:00", "end": "12:00"}</c>), each bad part named under <paramref name="field"/>.</summary>
    internal static WeeklySlot? Slot(Validation v, string field, SlotBody? slot)
    {
        if (slot is null)
        {
            v.Add(field, "必填 / Required");
            return null;
        }

        var day = v.Enum<DayOfWeek>($"{field}.day", slot.Day, required: true);
        var start = Clock(v, $"{field}.start", slot.Start);
        var end = Clock(v, $"{field}.end", slot.End);
        if (start is not null && end is not null && end <= start)
        {
            v.Add($"{field}.end", "结束应晚于开始 / Must be after start");
            return null;
        }

        return day is not null && start is not null && end is not null ? new WeeklySlot(day.Value, start.Value, end.Value) : null;
    }

    private static TimeOnly? Clock(Validation v, string field, string? text)
    {
        if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        v.Add(field, "时间格式 HH:mm / A time as HH:mm");
        return null;
    }
}
