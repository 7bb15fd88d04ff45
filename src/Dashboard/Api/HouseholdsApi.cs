using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Households;
using Boai.Orleans.Model;

namespace Boai.Orleans.Dashboard.Api;

public sealed record MemberBody(string? Name, int? Age, IReadOnlyList<string?>? Flags, string? Phone, string? HealthNotes, string? IdNumber);

public sealed record ContactBody(string? Name, string? Relation, string? Phone);

public sealed record HouseholdBody(
    string? DistrictId,
    string? Community,
    string? Address,
    PointBody? Location,
    string? Category,
    string? RiskLevel,
    IReadOnlyList<MemberBody?>? Members,
    IReadOnlyList<ContactBody?>? Contacts);

public sealed record NeedBody(string? ItemId, string? Frequency, int? Priority, string? Notes);

public sealed record MajorChangeBody(string? Note);

public sealed record MajorChangeResult(string HouseholdId, DateTimeOffset? MajorChangeAt);

/// <summary>Whether a need is served now, and if not why and since when.</summary>
public sealed record CoverageDto(bool Covered, UncoveredReason? Reason, DateTimeOffset Since);

public sealed record NeedDto(
    string NeedId,
    string HouseholdId,
    string DistrictId,
    string ItemId,
    string Category,
    NeedFrequency Frequency,
    int Priority,
    IReadOnlyList<string> Skills,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastVisitAt,
    CoverageDto Coverage,
    IReadOnlyList<string> VolunteerIds,
    bool Open)
{
    public static NeedDto From(NeedView n) => new(
        n.NeedId, n.HouseholdId, n.DistrictId, n.ItemId, n.Category, n.Frequency, n.Priority, n.Skills, n.CreatedAt, n.LastVisitAt,
        new CoverageDto(n.Coverage.Covered, n.Coverage.Reason, n.Coverage.Since), n.VolunteerIds, n.Open);
}

/// <summary>The full household file ("一人一档"), unmasked: coordinators of its district and operators only, each read audited.</summary>
public sealed record HouseholdFileDto(
    string HouseholdId,
    string DistrictId,
    string Community,
    string Address,
    GeoPoint? Location,
    string Category,
    RiskLevel RiskLevel,
    IReadOnlyList<HouseholdMember> Members,
    IReadOnlyList<HouseholdContact> Contacts,
    IReadOnlyList<NeedDto> Needs,
    IReadOnlyList<PairingView> Pairings,
    IReadOnlyList<VisitBrief> RecentVisits,
    DateTimeOffset? MajorChangeAt,
    string? MajorChangeNote,
    DateTimeOffset? LastVisitAt)
{
    public static HouseholdFileDto From(HouseholdFile f) => new(
        f.HouseholdId, f.Profile.DistrictId, f.Profile.Community, f.Profile.Address, f.Profile.Location, f.Profile.Category,
        f.Profile.RiskLevel, f.Profile.Members, f.Profile.Contacts, f.Needs.Select(NeedDto.From).ToList(), f.Pairings,
        f.RecentVisits, f.MajorChangeAt, f.MajorChangeNote, f.LastVisitAt);
}

/// <summary>Household files and their needs (coordinators of the household's district, operators).</summary>
public static class HouseholdsApi
{
    /// <summary>Flags of a household member: 独居, 孤寡, 残疾, 留守儿童, 困境儿童.</summary>
    public static readonly IReadOnlySet<string> MemberFlags =
        new HashSet<string>(StringComparer.Ordinal) { "livesAlone", "noFamily", "disability", "leftBehindChild", "vulnerableChild" };

    public static RouteGroupBuilder MapHouseholdsApi(this RouteGroupBuilder api)
    {
        var households = api.MapGroup("/households").WithTags("Households");

        households.MapPut("/{householdId}", Put)
            .WithSummary("Creates (201) or replaces (200) a household's file.")
            .Produces<HouseholdFileDto>(StatusCodes.Status201Created).Produces<HouseholdFileDto>()
            .ProducesValidationProblem().ProducesProblem(403);
        households.MapGet("/{householdId}", Get)
            .WithSummary("The full household file, unmasked. Coordinators of its district and operators; every read is audited.")
            .WithMetadata(AuditedRead.Instance)
            .Produces<HouseholdFileDto>().ProducesProblem(403).ProducesProblem(404);
        households.MapPost("/{householdId}/needs", AddNeed)
            .WithSummary("Records a need from the catalogue; it starts uncovered.")
            .Produces<NeedDto>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        households.MapDelete("/{householdId}/needs/{needId}", CloseNeed)
            .WithSummary("Closes a need; its pairings end.")
            .Produces<NeedDto>().ProducesProblem(403).ProducesProblem(404);
        households.MapPost("/{householdId}/major-change", MajorChange)
            .WithSummary("Reports a major change (hospitalised, bereaved, moved...): a visit is due within 24 h.")
            .Produces<MajorChangeResult>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Put(
        string householdId, HouseholdBody body, Caller caller, Access access, IGrainFactory grains, ServiceCatalogue catalogue)
    {
        if (access.Staff(caller) is { } denied)
        {
            return denied;
        }

        var v = new Validation();
        v.Id("householdId", householdId);
        var profile = Profile(v, body, catalogue);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (access.IntoDistrict(caller, profile!.DistrictId) is { } outside)
        {
            return outside;
        }

        var grain = grains.GetGrain<IHouseholdGrain>(householdId);
        var current = await grain.GetDistrict();
        if (current is not null && !caller.CoversDistrict(current))
        {
            return ApiProblems.Forbidden();
        }

        if (current is null && await RecordCreation.ClaimAsync(grains, caller, "household", householdId, profile.DistrictId) is { } taken)
        {
            return taken;
        }

        return (await grain.Upsert(profile, caller.Sub)).ToResult(HouseholdFileDto.From, $"/api/v1/households/{householdId}");
    }

    private static async Task<IResult> Get(string householdId, Caller caller, Access access, IGrainFactory grains)
    {
        var household = await access.Household(caller, householdId);
        if (household.Denied is not null)
        {
            return household.Denied;
        }

        var file = await grains.GetGrain<IHouseholdGrain>(householdId).Get();
        return file is null ? ApiProblems.NotFound(householdId) : TypedResults.Ok(HouseholdFileDto.From(file));
    }

    /// <summary>
    /// A need's shape (the form's POST and the households import): an item id, its frequency (the item's default when
    /// none), priority 1–5 (3). Whether the catalogue has its item is the household's rule (<see cref="NeedRules"/>).
    /// </summary>
    public static NewNeed Need(Validation v, NeedBody body, string by)
    {
        var itemId = v.Id("itemId", body.ItemId);
        var frequency = v.Enum<NeedFrequency>("frequency", body.Frequency, required: false);
        var priority = body.Priority ?? 3;
        if (priority is < 1 or > 5)
        {
            v.Add("priority", "1（低）到 5（紧急）/ 1 (low) to 5 (urgent)");
        }

        var notes = v.OptionalText("notes", body.Notes, 1000);
        return new NewNeed(itemId, frequency, priority, notes, by);
    }

    private static async Task<IResult> AddNeed(
        string householdId, NeedBody body, Caller caller, Access access, IGrainFactory grains)
    {
        var v = new Validation();
        var need = Need(v, body, caller.Sub);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var household = await access.Household(caller, householdId);
        if (household.Denied is not null)
        {
            return household.Denied;
        }

        var outcome = await grains.GetGrain<IHouseholdGrain>(householdId).AddNeed(need);
        return outcome.Failure is { } failure
            ? ApiProblems.From(failure)
            : TypedResults.Created($"/api/v1/households/{householdId}/needs/{outcome.Value!.NeedId}", NeedDto.From(outcome.Value));
    }

    private static async Task<IResult> CloseNeed(string householdId, string needId, Caller caller, Access access, IGrainFactory grains)
    {
        var need = await access.Need(caller, householdId, needId);
        if (need.Denied is not null)
        {
            return need.Denied;
        }

        return (await grains.GetGrain<IHouseholdGrain>(householdId).CloseNeed(needId, caller.Sub)).ToOk(NeedDto.From);
    }

    private static async Task<IResult> MajorChange(string householdId, MajorChangeBody body, Caller caller, Access access, IGrainFactory grains)
    {
        var v = new Validation();
        var note = v.Text("note", body.Note, 1000);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var household = await access.Household(caller, householdId);
        if (household.Denied is not null)
        {
            return household.Denied;
        }

        // Only the time goes back: the answer to a change is not a read of the file.
        return (await grains.GetGrain<IHouseholdGrain>(householdId).ReportMajorChange(note, caller.Sub))
            .ToOk(file => new MajorChangeResult(file.HouseholdId, file.MajorChangeAt));
    }

    internal static HouseholdProfile? Profile(Validation v, HouseholdBody body, ServiceCatalogue catalogue)
    {
        var districtId = v.Id("districtId", body.DistrictId);
        var community = v.Text("community", body.Community, 50);
        var address = v.Text("address", body.Address, 200);
        var location = body.Location is null ? null : v.Point("location", body.Location.Lat, body.Location.Lng, required: true);
        var category = v.Text("category", body.Category, 40);
        if (category.Length > 0 && !catalogue.IsCategory(category))
        {
            v.Add("category", "可选值 / One of: " + string.Join(", ", catalogue.Categories.Select(c => c.Category)));
        }

        var risk = v.Enum<RiskLevel>("riskLevel", body.RiskLevel, required: false, fallback: RiskLevel.General)!.Value;
        var members = Members(v, body.Members);
        var contacts = Contacts(v, body.Contacts);
        return v.IsValid ? new HouseholdProfile(districtId, community, address, location, category, risk, members, contacts) : null;
    }

    private static List<HouseholdMember> Members(Validation v, IReadOnlyList<MemberBody?>? members)
    {
        var result = new List<HouseholdMember>();
        if (members is null || members.Count == 0)
        {
            v.Add("members", "至少一名成员 / At least one member");
            return result;
        }

        if (members.Count > 30)
        {
            v.Add("members", "最多 30 名成员 / At most 30 members");
            return result;
        }

        for (var i = 0; i < members.Count; i++)
        {
            var field = $"members[{i}]";
            if (members[i] is not { } m)
            {
                v.Add(field, "必填 / Required");
                continue;
            }

            var name = v.Text($"{field}.name", m.Name, 50);
            if (m.Age is < 0 or > 130)
            {
                v.Add($"{field}.age", "0 到 130 / Between 0 and 130");
            }

            var flags = v.List($"{field}.flags", m.Flags, MemberFlags.Contains, 10);
            var phone = v.Phone($"{field}.phone", m.Phone, required: false);
            var health = v.OptionalText($"{field}.healthNotes", m.HealthNotes, 1000);
            var idNumber = v.OptionalText($"{field}.idNumber", m.IdNumber, 30);
            result.Add(new HouseholdMember(name, m.Age, flags, phone, health, idNumber));
        }

        return result;
    }

    private static List<HouseholdContact> Contacts(Validation v, IReadOnlyList<ContactBody?>? contacts)
    {
        var result = new List<HouseholdContact>();
        if (contacts is null)
        {
            return result;
        }

        if (contacts.Count > 10)
        {
            v.Add("contacts", "最多 10 名联系人 / At most 10 contacts");
            return result;
        }

        for (var i = 0; i < contacts.Count; i++)
        {
            var field = $"contacts[{i}]";
            if (contacts[i] is not { } c)
            {
                v.Add(field, "必填 / Required");
                continue;
            }

            result.Add(new HouseholdContact(
                v.Text($"{field}.name", c.Name, 50),
                v.Text($"{field}.relation", c.Relation, 30),
                v.Phone($"{field}.phone", c.Phone, required: true) ?? string.Empty));
        }

        return result;
    }
}
