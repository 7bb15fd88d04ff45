using Boai.Orleans.Dashboard.Phone;
using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Model;
using Boai.Orleans.ServiceRecords;
using Boai.Orleans.Visits;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Api;

public sealed record ObservationBody(string? Kind, string? Note);

/// <summary>The service record's extras (服务套表) beyond the check-out: observations for the coordinator and notes.</summary>
public sealed record ServiceRecordBody(IReadOnlyList<ObservationBody?>? Observations, string? Notes, DateTimeOffset? At);

public sealed record PlacardBody(string? Code, DateTimeOffset? At);

/// <summary>
/// A visit's service record beyond check-in and check-out, keyed by the same visitId: observations that raise a flag
/// on the coordinators' dashboard, up to six photos in blob storage, the QR placard proof. Photos are seen only by the
/// volunteer and the coordinators of the visit's district.
/// </summary>
public static class ServiceRecordsApi
{
    public static RouteGroupBuilder MapServiceRecordsApi(this RouteGroupBuilder api)
    {
        var visits = api.MapGroup("/visits").WithTags("Visits");
        visits.MapPost("/{visitId}/record", Submit)
            .WithSummary("The visit's volunteer records observations (health, mood, homeSafety: each raises visitAttention on the dashboard) and notes. Idempotent: the same again 200, different 409.")
            .Produces<ServiceRecordView>(StatusCodes.Status201Created).Produces<ServiceRecordView>()
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        visits.MapGet("/{visitId}/record", Get)
            .WithSummary("The visit's service record: its volunteer, or coordinators of its district. " + VisitsApi.VolunteerIdParameter)
            .Produces<ServiceRecordView>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        visits.MapPut("/{visitId}/photos/{photoId}", PutPhoto)
            .WithSummary("The visit's volunteer uploads a photo (image/jpeg, image/png or image/webp as the raw body, at most Photos:MaxBytes, 6 per visit). Idempotent per photoId.")
            .Produces<ServiceRecordView>(StatusCodes.Status201Created).Produces<ServiceRecordView>()
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413);
        visits.MapGet("/{visitId}/photos/{photoId}", GetPhoto)
            .WithSummary("A photo of the visit: its volunteer, or coordinators of its district (each read audited). " + VisitsApi.VolunteerIdParameter)
            .WithMetadata(AuditedRead.Instance)
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(403).ProducesProblem(404);
        visits.MapPost("/{visitId}/placard", Placard)
            .WithSummary("The visit's volunteer scanned the household's QR placard: a second proof of presence.")
            .Produces<ServiceRecordView>(StatusCodes.Status201Created).Produces<ServiceRecordView>()
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);

        api.MapGet("/households/{householdId}/placard.svg", PlacardSvg)
            .WithTags("Households")
            .WithSummary("The household's QR placard (signed code) to print for its door: coordinators of its district.")
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml").ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    /// <summary>Photo uploads are the one API body larger than <see cref="ApiRoutes.MaxBodyBytes"/>.</summary>
    public static bool IsPhotoUpload(HttpRequest request) =>
        HttpMethods.IsPut(request.Method)
        && request.Path.StartsWithSegments("/api/v1/visits", StringComparison.Ordinal, out var rest)
        && rest.Value is { } tail && tail.Split('/', StringSplitOptions.RemoveEmptyEntries) is [_, "photos", _];

    private static async Task<IResult> Submit(string visitId, ServiceRecordBody body, Caller caller, IGrainFactory grains, TimeProvider time)
    {
        var v = new Validation();
        v.Id("visitId", visitId);
        var observations = new List<Observation>();
        var given = body.Observations ?? [];
        if (given.Count > ObservationKinds.All.Count * 2)
        {
            v.Add("observations", "观察项过多 / Too many observations");
        }

        for (var i = 0; i < given.Count && i < 10; i++)
        {
            var o = given[i];
            if (!ObservationKinds.IsKnown(o?.Kind))
            {
                v.Add($"observations[{i}].kind", "可选值 / One of: " + string.Join(", ", ObservationKinds.All));
                continue;
            }

            observations.Add(new Observation(o!.Kind!, v.OptionalText($"observations[{i}].note", o.Note, 500) ?? string.Empty));
        }

        var notes = v.OptionalText("notes", body.Notes, 2000);
        var at = body.At is null ? time.GetUtcNow() : v.Time("at", body.At);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var owner = await OwnVisit(caller, visitId, grains);
        if (owner.Denied is not null)
        {
            return owner.Denied;
        }

        var outcome = await grains.GetGrain<IServiceRecordGrain>(owner.Value!.Key).Submit(owner.Value.Owner, observations, notes, at);
        return outcome.ToResult(r => r, $"/api/v1/visits/{visitId}/record");
    }

    private static async Task<IResult> Get(string visitId, string? volunteerId, Caller caller, Access access, IGrainFactory grains)
    {
        if (VolunteerShape(volunteerId) is { } invalid)
        {
            return invalid;
        }

        var visit = await access.Visit(caller, visitId, volunteerId: volunteerId);
        if (visit.Denied is not null || visit.Value is null)
        {
            return visit.Denied ?? ApiProblems.NotFound($"服务记录 {visitId} 不存在 / No visit {visitId}");
        }

        return await grains.GetGrain<IServiceRecordGrain>(visit.Value.KeyOf().ToString()).Get() is { } record
            ? TypedResults.Ok(record)
            : ApiProblems.NotFound($"服务套表 {visitId} 未提交 / No service record for visit {visitId}");
    }

    private static async Task<IResult> PutPhoto(
        string visitId, string photoId, HttpRequest request, Caller caller, IGrainFactory grains, PhotoStore photos,
        IOptions<PhotoOptions> options, TimeProvider time)
    {
        var limits = options.Value;
        var v = new Validation();
        v.Id("visitId", visitId);
        v.Id("photoId", photoId);
        var declared = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (declared is null || !PhotoFormats.ContentTypes.Contains(declared))
        {
            v.Add("photo", "只接受 JPEG、PNG、WebP 图片 / Only JPEG, PNG or WebP images");
        }

        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (request.ContentLength > limits.MaxBytes)
        {
            return TooLarge(limits);
        }

        // Read at most one byte past the limit: an undeclared length is cut off there.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limits.MaxBytes)
            {
                return TooLarge(limits);
            }
        }

        var bytes = buffer.ToArray();
        if (bytes.Length == 0 || PhotoFormats.Sniff(bytes) != declared)
        {
            return ApiProblems.Invalid("photo", "内容不是所声明的图片 / The body is not the declared image");
        }

        var owner = await OwnVisit(caller, visitId, grains);
        if (owner.Denied is not null)
        {
            return owner.Denied;
        }

        var key = owner.Value!.Key;
        var record = grains.GetGrain<IServiceRecordGrain>(key);
        if (!await record.HasRoomFor(photoId, limits.MaxPerVisit))
        {
            return ApiProblems.From(Failure.Conflict($"每次探访最多 {limits.MaxPerVisit} 张照片 / At most {limits.MaxPerVisit} photos per visit"));
        }

        // The blob first, then the record: a record never names a photo that is not stored.
        await photos.PutAsync(key, photoId, declared!, BinaryData.FromBytes(bytes), request.HttpContext.RequestAborted);
        var outcome = await record.AddPhoto(owner.Value.Owner, new ServicePhoto(photoId, declared!, bytes.Length, time.GetUtcNow()), limits.MaxPerVisit);
        if (outcome.Failure is not null)
        {
            await photos.DeleteAsync(key, photoId, CancellationToken.None);
        }

        return outcome.ToResult(r => r, $"/api/v1/visits/{visitId}/photos/{photoId}");
    }

    private static async Task<IResult> GetPhoto(
        string visitId, string photoId, string? volunteerId, Caller caller, Access access, IGrainFactory grains, PhotoStore photos, HttpContext http)
    {
        if (VolunteerShape(volunteerId) is { } invalid)
        {
            return invalid;
        }

        if (caller.IsOperator)
        {
            // Photos of homes are for the volunteer and the district's coordinators, not for the service's operators.
            return ApiProblems.Forbidden();
        }

        var visit = await access.Visit(caller, visitId, volunteerId: volunteerId);
        if (visit.Denied is not null || visit.Value is null)
        {
            return visit.Denied ?? ApiProblems.NotFound($"服务记录 {visitId} 不存在 / No visit {visitId}");
        }

        var key = visit.Value.KeyOf().ToString();
        var record = await grains.GetGrain<IServiceRecordGrain>(key).Get();
        if (record?.Photos.Any(p => p.PhotoId == photoId) != true
            || await photos.GetAsync(key, photoId, http.RequestAborted) is not { } photo)
        {
            return ApiProblems.NotFound($"照片 {photoId} 不存在 / No photo {photoId}");
        }

        http.Response.Headers.CacheControl = "private, max-age=3600";
        return TypedResults.Bytes(photo.Data.ToArray(), photo.ContentType);
    }

    private static async Task<IResult> Placard(string visitId, PlacardBody body, Caller caller, IGrainFactory grains, PlacardCodes codes, TimeProvider time)
    {
        var v = new Validation();
        v.Id("visitId", visitId);
        var code = v.Text("code", body.Code, 200);
        var at = body.At is null ? time.GetUtcNow() : v.Time("at", body.At);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var owner = await OwnVisit(caller, visitId, grains);
        if (owner.Denied is not null)
        {
            return owner.Denied;
        }

        if (codes.HouseholdOf(code) != owner.Value!.Owner.HouseholdId)
        {
            return ApiProblems.Invalid("code", "不是这个家庭的二维码 / Not this household's placard");
        }

        return (await grains.GetGrain<IServiceRecordGrain>(owner.Value.Key).VerifyPlacard(owner.Value.Owner, at)).ToResult(r => r, $"/api/v1/visits/{visitId}/record");
    }

    private static async Task<IResult> PlacardSvg(string householdId, Caller caller, Access access, PlacardCodes codes)
    {
        var household = await access.Household(caller, householdId);
        if (household.Denied is not null)
        {
            return household.Denied;
        }

        return codes.Available
            ? TypedResults.Text(codes.Svg(householdId), "image/svg+xml")
            : ApiProblems.NotFound("未配置门牌二维码密钥（Placards:SigningKey）/ Placards are not configured (Placards:SigningKey)");
    }

    /// <summary>The visit of the volunteer in the token (keyed by them): it must exist (checked in). With its record's grain key.</summary>
    private static async Task<Guarded<OwnedVisit>> OwnVisit(Caller caller, string visitId, IGrainFactory grains)
    {
        if (!caller.IsVolunteer)
        {
            return Guarded<OwnedVisit>.Deny(ApiProblems.Forbidden("只有义工本人 / Only the visit's volunteer"));
        }

        if (await grains.Visit(caller.Sub, visitId).Get() is not { } visit)
        {
            return Guarded<OwnedVisit>.Deny(ApiProblems.NotFound($"服务记录 {visitId} 不存在，请先签到 / No visit {visitId}: check in first"));
        }

        return new Guarded<OwnedVisit>(new OwnedVisit(visit.KeyOf().ToString(), new VisitOwner(visit.VolunteerId, visit.HouseholdId, visit.DistrictId)), null);
    }

    private static IResult? VolunteerShape(string? volunteerId) =>
        volunteerId is null || Ids.IsValid(volunteerId) ? null : ApiProblems.Invalid("volunteerId", Ids.IdRule);

    private sealed record OwnedVisit(string Key, VisitOwner Owner);

    private static ProblemHttpResult TooLarge(PhotoOptions limits) => TypedResults.Problem(
        title: ApiProblems.TooLargeTitle,
        detail: $"照片最大 {limits.MaxBytes / 1024} KB / A photo may be at most {limits.MaxBytes / 1024} KB",
        statusCode: StatusCodes.Status413PayloadTooLarge);
}
