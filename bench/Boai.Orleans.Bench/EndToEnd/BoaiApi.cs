using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>One seeded pairing: the volunteer, their token, the household and the need they serve.</summary>
public sealed record BenchVolunteer(string VolunteerId, string Token, string HouseholdId, string NeedId, string DistrictId);

/// <summary>The service's public HTTP API as the phones and the coordinators' tools call it (one shared connection pool).</summary>
public sealed class BoaiApi : IDisposable
{
    /// <summary>Every seeded household and every check-in is at this point, so no visit is flagged outside the radius.</summary>
    public static readonly (double Lat, double Lng) Place = (22.522, 113.385);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] Skills = ["visiting"];
    private static readonly string[] MemberFlags = ["livesAlone"];
    private static readonly string[] Services = ["elderly-visit"];
    private readonly HttpClient _http;

    public BoaiApi(Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1_024,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            UseCookies = false,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public async Task<string> TokenAsync(string sub, string role)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/dev/token", null, new { sub, role, districts = Array.Empty<string>() });
        return (await ReadAsync(response, HttpStatusCode.OK))["token"]!.GetValue<string>();
    }

    public async Task<IReadOnlyList<string>> DistrictIdsAsync(string token)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/districts", token, null);
        var districts = (await ReadAsync(response, HttpStatusCode.OK)).AsArray();
        return [.. districts.Select(d => d!["districtId"]!.GetValue<string>())];
    }

    /// <summary>A volunteer, a household in the same district, a need of it and their pairing, through the coordinators' routes.</summary>
    public async Task<BenchVolunteer> SeedPairingAsync(string operatorToken, string volunteerId, string householdId, string districtId)
    {
        await ExpectAsync(HttpMethod.Put, $"/api/v1/volunteers/{volunteerId}", operatorToken, VolunteerBody(districtId, "active"), HttpStatusCode.Created, HttpStatusCode.OK);
        await ExpectAsync(HttpMethod.Put, $"/api/v1/households/{householdId}", operatorToken, new
        {
            districtId,
            community = "悦来社区",
            address = "悦来南路 12 号",
            location = new { lat = Place.Lat, lng = Place.Lng },
            category = "elderly",
            riskLevel = "high",
            members = new[] { new { name = "黄伯", age = 82, flags = MemberFlags } },
        }, HttpStatusCode.Created, HttpStatusCode.OK);
        var need = await ExpectAsync(HttpMethod.Post, $"/api/v1/households/{householdId}/needs", operatorToken,
            new { itemId = "elderly-visit", frequency = "weekly", priority = 3 }, HttpStatusCode.Created);
        var needId = need["needId"]!.GetValue<string>();
        await ExpectAsync(HttpMethod.Post, "/api/v1/pairings", operatorToken, new { volunteerId, householdId, needId }, HttpStatusCode.Created);
        var token = await TokenAsync(volunteerId, "volunteer");
        return new BenchVolunteer(volunteerId, token, householdId, needId, districtId);
    }

    /// <summary>A coordinator changes the volunteer's status (<c>active</c>, <c>paused</c>, <c>left</c>).</summary>
    public Task SetVolunteerStatusAsync(string operatorToken, BenchVolunteer volunteer, string status) =>
        ExpectAsync(HttpMethod.Put, $"/api/v1/volunteers/{volunteer.VolunteerId}", operatorToken, VolunteerBody(volunteer.DistrictId, status), HttpStatusCode.OK);

    /// <summary>A GET that must answer 200, e.g. a district's summary, a need's suggestions or a plan.</summary>
    public Task<JsonNode> GetAsync(string path, string token) => ExpectAsync(HttpMethod.Get, path, token, null, HttpStatusCode.OK);

    /// <summary>A check-in an hour ago, as a phone sends it; throws unless answered 201.</summary>
    public Task CheckInAsync(BenchVolunteer volunteer, string visitId, DateTimeOffset at) =>
        ExpectAsync(HttpMethod.Post, $"/api/v1/visits/{visitId}/check-in", volunteer.Token, new
        {
            householdId = volunteer.HouseholdId,
            needId = volunteer.NeedId,
            at,
            location = new { lat = Place.Lat, lng = Place.Lng, accuracyM = 15 },
        }, HttpStatusCode.Created);

    /// <summary>Throws unless answered 200 (the visit, with hours, in the ledger).</summary>
    public Task CheckOutAsync(BenchVolunteer volunteer, string visitId, DateTimeOffset at) =>
        ExpectAsync(HttpMethod.Post, $"/api/v1/visits/{visitId}/check-out", volunteer.Token, new
        {
            at,
            location = new { lat = Place.Lat, lng = Place.Lng, accuracyM = 15 },
            services = Services,
            notes = "陪伴聊天",
        }, HttpStatusCode.OK);

    /// <summary>The volunteer's visit count from the hours route (contract: <c>visits</c>).</summary>
    public async Task<int> VisitCountAsync(BenchVolunteer volunteer)
    {
        var hours = await ExpectAsync(HttpMethod.Get, $"/api/v1/volunteers/{volunteer.VolunteerId}/hours", volunteer.Token, null, HttpStatusCode.OK);
        return hours["visits"]!.GetValue<int>();
    }

    public async Task LiveAsync()
    {
        using var response = await _http.GetAsync("/health/live");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"/health/live answered {(int)response.StatusCode}");
        }
    }

    public void Dispose() => _http.Dispose();

    private static object VolunteerBody(string districtId, string status) => new
    {
        name = "陈义工",
        phone = "13800001234",
        districtId,
        skills = Skills,
        availability = new[] { new { day = "monday", start = "09:00", end = "12:00" } },
        status,
        willingness = new { categories = Array.Empty<string>(), maxTravelKm = 5 },
        home = new { lat = Place.Lat, lng = Place.Lng },
    };

    private async Task<JsonNode> ExpectAsync(HttpMethod method, string path, string? token, object? body, params HttpStatusCode[] expected)
    {
        using var response = await SendAsync(method, path, token, body);
        return await ReadAsync(response, expected);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return await _http.SendAsync(request);
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, params HttpStatusCode[] expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!expected.Contains(response.StatusCode))
        {
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {Truncate(text)}",
                null,
                response.StatusCode);
        }

        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
