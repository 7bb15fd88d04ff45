using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Boai.Orleans.Testing;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>A paired volunteer and household, ready for visits.</summary>
public sealed record Paired(string DistrictId, string VolunteerId, string HouseholdId, string NeedId, string PairingId);

/// <summary>Creates records through the API as an operator, each with fresh ids, and checks every step succeeded.</summary>
public sealed class Records(DashboardFactory dashboard)
{
    private readonly HttpClient _operator = dashboard.Operator();

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public static object VolunteerBody(string districtId, string name = "陈小明", string phone = "13800001234") => new
    {
        name,
        phone,
        districtId,
        skills = new[] { "visiting" },
        availability = new[] { new { day = "monday", start = "09:00", end = "12:00" } },
        status = "active",
        willingness = new { categories = Array.Empty<string>(), maxTravelKm = 5 },
        home = new { lat = 22.52, lng = 113.39 },
    };

    public static object HouseholdBody(string districtId, string community = "悦来社区") => new
    {
        districtId,
        community,
        address = "悦来南路 12 号",
        location = new { lat = 22.522, lng = 113.385 },
        category = "elderly",
        riskLevel = "high",
        members = new[] { new { name = "黄伯", age = 82, flags = new[] { "livesAlone" }, phone = "13912345678", healthNotes = "高血压" } },
        contacts = new[] { new { name = "黄女士", relation = "女儿", phone = "13700001111" } },
    };

    public async Task<string> VolunteerAsync(string districtId, string name = "陈小明")
    {
        var id = NewId("v");
        await Expect(_operator.PutAsJsonAsync($"/api/v1/volunteers/{id}", VolunteerBody(districtId, name)), HttpStatusCode.Created);
        return id;
    }

    public async Task<string> HouseholdAsync(string districtId, string community = "悦来社区")
    {
        var id = NewId("h");
        await Expect(_operator.PutAsJsonAsync($"/api/v1/households/{id}", HouseholdBody(districtId, community)), HttpStatusCode.Created);
        return id;
    }

    public async Task<string> NeedAsync(string householdId, string itemId = "elderly-visit")
    {
        var need = await Expect(_operator.PostAsJsonAsync($"/api/v1/households/{householdId}/needs", new { itemId, frequency = "weekly", priority = 3 }), HttpStatusCode.Created);
        return need["needId"]!.GetValue<string>();
    }

    public async Task<string> PairingAsync(string volunteerId, string householdId, string needId)
    {
        var pairing = await Expect(_operator.PostAsJsonAsync("/api/v1/pairings", new { volunteerId, householdId, needId }), HttpStatusCode.Created);
        return pairing["pairingId"]!.GetValue<string>();
    }

    public async Task<Paired> PairedAsync(string districtId)
    {
        var volunteer = await VolunteerAsync(districtId);
        var household = await HouseholdAsync(districtId);
        var need = await NeedAsync(household);
        var pairing = await PairingAsync(volunteer, household, need);
        return new Paired(districtId, volunteer, household, need, pairing);
    }

    public static object CheckIn(string householdId, string? needId = null, DateTimeOffset? at = null) => new
    {
        householdId,
        needId,
        at = at ?? DateTimeOffset.UtcNow,
        location = new { lat = 22.522, lng = 113.385, accuracyM = 15 },
    };

    public static object CheckOut(DateTimeOffset? at = null, string notes = "聊天，量血压") => new
    {
        at = at ?? DateTimeOffset.UtcNow,
        location = new { lat = 22.522, lng = 113.385, accuracyM = 15 },
        services = new[] { "elderly-visit" },
        notes,
    };

    public static async Task<JsonNode> Expect(Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return string.IsNullOrEmpty(body) ? new JsonObject() : JsonNode.Parse(body)!;
    }
}
