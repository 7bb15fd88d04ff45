using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>
/// Requests made from the service's own OpenAPI document, every route and method, with broken input: wrong types,
/// missing and extra fields, huge and negative numbers, far dates, odd Unicode, long strings, path ids with
/// <c>/ \ # ?</c> and control characters, bodies that are not JSON. No answer may be a 5xx, every 4xx is problem+json,
/// and the district whose records the ids point at reads the same afterwards. The seed is fixed (BOAI_FUZZ_SEED
/// overrides it) and printed with any failure, so a failing run can be replayed request by request.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class OpenApiFuzzTests(DashboardFixture fixture, ITestOutputHelper output)
{
    public const int DefaultSeed = 20261130;
    private const int Requests = 2_000;
    private const string District = "huoju";
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Broken_requests_to_every_route_never_get_a_5xx_and_change_nothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BOAI_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        // On Kestrel, so requests go through real HTTP parsing as a phone's would.
        await using var dashboard = new DashboardFactory(fixture.Settings, fixture.Silo.GatewayPort, new Dictionary<string, string?>
        {
            ["RateLimits:Visits:TokenLimit"] = "1000000",
            ["RateLimits:Visits:TokensPerPeriod"] = "1000000",
        });
        dashboard.UseKestrel(0);
        dashboard.StartServer();
        var address = new Uri(dashboard.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var paired = await fixture.Records.PairedAsync(District);
        var known = new[] { District, paired.VolunteerId, paired.HouseholdId, paired.NeedId, paired.PairingId };
        // An API client asks for JSON; routes that also serve people (/verify) answer a browser with HTML.
        HttpClient Client(string? token) => new()
        {
            BaseAddress = address,
            DefaultRequestHeaders =
            {
                Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token),
                Accept = { new MediaTypeWithQualityHeaderValue("application/json") },
            },
        };
        var document = await Records.Expect(Client(null).GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var operations = Operations(document).ToList();
        Assert.True(operations.Count > 40, $"Only {operations.Count} operations in the OpenAPI document");

        var operatorClient = Client(dashboard.Token("fuzz-operator", Roles.Operator));
        var snapshotBefore = await SnapshotAsync(operatorClient);
        var callers = new (string Name, HttpClient Client)[]
        {
            ("operator", operatorClient),
            ("coordinator", Client(dashboard.Token("fuzz-coordinator", Roles.Coordinator, District))),
            ("volunteer", Client(dashboard.Token(paired.VolunteerId, Roles.Volunteer))),
            ("anonymous", Client(null)),
        };

        var random = new Random(seed);
        var generator = new Generator(random, document, known);
        var failures = new List<string>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        for (; sent < Requests && clock.Elapsed < Budget && failures.Count < 20; sent++)
        {
            var operation = sent < operations.Count ? operations[sent] : operations[random.Next(operations.Count)];
            var (callerName, client) = callers[random.Next(callers.Length)];
            using var request = generator.Request(operation);
            var description = $"#{sent} {callerName} {request.Method} {Truncate(request.RequestUri?.ToString())} body: {Truncate(generator.LastBody)}";
            covered.Add(operation.Method + " " + operation.Path);
            HttpResponseMessage response;
            try
            {
                // An answer that takes this long is as bad as a 5xx: the caller gives up and retries.
                response = await client.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                failures.Add($"{description} -> no answer within 30 s");
                continue;
            }

            using var answered = response;
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                failures.Add($"{description} -> {status} {Truncate(body)}");
            }
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{description} -> {status} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}: {Truncate(body)}");
            }
        }

        var snapshotAfter = await SnapshotAsync(operatorClient);
        output.WriteLine($"seed {seed}: {sent} requests to {covered.Count} of {operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, $"Fuzz seed {seed} (replay with BOAI_FUZZ_SEED={seed}):\n{string.Join('\n', failures)}");
        Assert.True(sent >= 1_000, $"Fuzz seed {seed}: only {sent} requests within {Budget}");
        Assert.Equal(operations.Count, covered.Count);
        Assert.True(snapshotBefore == snapshotAfter, $"Fuzz seed {seed}: the district changed.\nbefore: {snapshotBefore}\nafter:  {snapshotAfter}");
    }

    private static string Truncate(string? text) => text is null ? "-" : text.Length <= 200 ? text : text[..200] + "…";

    /// <summary>What the district shows: its summary, households, volunteers, uncovered needs and the paired records.</summary>
    private static async Task<string> SnapshotAsync(HttpClient client)
    {
        var parts = new StringBuilder();
        foreach (var path in new[] { $"/api/v1/districts/{District}", $"/api/v1/districts/{District}/households", $"/api/v1/districts/{District}/volunteers", $"/api/v1/districts/{District}/uncovered" })
        {
            var node = await Records.Expect(client.GetAsync(path), HttpStatusCode.OK);
            parts.Append(path).Append(' ').Append(node.ToJsonString()).Append('\n');
        }

        return parts.ToString();
    }

    public sealed record Operation(string Method, string Path, JsonObject Spec);

    private static IEnumerable<Operation> Operations(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, spec) in item!.AsObject())
            {
                if (method is "get" or "put" or "post" or "delete" or "patch")
                {
                    yield return new Operation(method.ToUpperInvariant(), path, spec!.AsObject());
                }
            }
        }
    }

    /// <summary>Makes one broken request for an operation, from its parameters and body schema.</summary>
    private sealed class Generator(Random random, JsonNode document, IReadOnlyList<string> knownIds)
    {
        private static readonly string[] OddStrings =
        [
            "", " ", "\u0000", "\u0001\u0002", "\t\r\n", "\u202Eevil", "\uFEFF", "\uFFFF", "😀👨‍👩‍👧", "𠜎𠜱", "Z͑ͫ̓ͪ̂ͫ̽͏̴̙",
            "'; DROP TABLE x;--", "<script>alert(1)</script>", "../../etc/passwd", "%00", "{{name}}", "=HYPERLINK(\"x\")",
            "null", "true", "-1", "1e309", "NaN", "shiqi\u0000", "陈小明", "٣٤٥",
        ];

        private static readonly string[] OddTimes =
        [
            "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00", "1600-01-01T09:00:00+08:00", "2026-11-30T09:00:00",
            "2026-13-45T25:61:00+08:00", "2026-11-30", "yesterday", "2026-11-30T09:00:00+25:00", "2026-11-30T09:00:00.123456789Z",
        ];

        private static readonly string[] OddDays = ["9999-12-31", "0001-01-01", "1600-02-30", "2026-11-31", "2026-1-1", "now", "9999-12", "0000-00"];

        private static readonly string[] OddIds =
        [
            "a/b", "a\\b", "a#b", "a?b=c", "a b", "..", ".", "a\u0001b", "a\u007Fb", "\u202E", "ид", "陈", "a%2Fb", "%", "~",
            "x~n", "x~p99999999999999999999", "-", "_", "a:b", "A.B-C_D",
        ];

        public string? LastBody { get; private set; }

        public HttpRequestMessage Request(Operation operation)
        {
            var isRead = operation.Method == "GET";
            var path = new StringBuilder();
            foreach (var segment in operation.Path.Split('/'))
            {
                if (segment.Length > 0)
                {
                    path.Append('/').Append(segment.StartsWith('{') ? Uri.EscapeDataString(PathId(isRead)) : segment);
                }
            }

            var query = new List<string>();
            foreach (var parameter in operation.Spec["parameters"]?.AsArray() ?? [])
            {
                var p = Resolve(parameter!);
                if (p["in"]?.GetValue<string>() == "query" && random.Next(4) > 0)
                {
                    var name = p["name"]!.GetValue<string>();
                    query.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(QueryValue(Resolve(p["schema"] ?? new JsonObject()))));
                }
            }

            if (random.Next(8) == 0)
            {
                query.Add("unexpected=" + Uri.EscapeDataString(Pick(OddStrings)));
            }

            // Kestrel itself refuses a request line over 8 KB (414, before the service sees it): stay below.
            while (query.Count > 0 && path.Length + query.Sum(q => q.Length + 1) > 7_000)
            {
                query.RemoveAt(query.Count - 1);
            }

            var uri = path + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query));
            var request = new HttpRequestMessage(new HttpMethod(operation.Method), uri);
            LastBody = null;
            if (!isRead)
            {
                var schema = operation.Spec["requestBody"]?["content"]?["application/json"]?["schema"];
                request.Content = Body(schema is null ? null : Resolve(schema));
            }

            return request;
        }

        /// <summary>
        /// Reads may name the district's real records; changes never do, so no valid change can reach them. No NUL:
        /// Kestrel refuses such a path itself (400 without a body) before the service sees the request.
        /// </summary>
        private string PathId(bool isRead) => random.Next(6) switch
        {
            0 when isRead => Pick(knownIds),
            1 => new string('k', 1000 + random.Next(200)),
            2 => "fz-" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture),
            3 => Pick(OddStrings).Replace("\u0000", string.Empty, StringComparison.Ordinal) is { Length: > 0 } odd ? odd : "x",
            _ => Pick(OddIds),
        };

        private string QueryValue(JsonNode schema) => random.Next(5) switch
        {
            0 => Pick(OddDays),
            1 => Pick(OddTimes),
            2 => Number().ToString(CultureInfo.InvariantCulture),
            3 => new string('q', random.Next(2) == 0 ? 5_000 : 300),
            _ => Type(schema) == "integer" ? random.Next(-5, 1000).ToString(CultureInfo.InvariantCulture) : Pick(OddStrings),
        };

        private HttpContent Body(JsonNode? schema)
        {
            switch (random.Next(10))
            {
                case 0:
                    LastBody = "not json";
                    return new StringContent("not json {", Encoding.UTF8, "application/json");
                case 1:
                    LastBody = "(bytes)";
                    var bytes = new byte[random.Next(1, 512)];
                    random.NextBytes(bytes);
                    return new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
                case 2:
                    LastBody = "<xml/> as text/xml";
                    return new StringContent("<visit><at>now</at></visit>", Encoding.UTF8, "text/xml");
                case 3:
                    LastBody = "(empty)";
                    return new StringContent(string.Empty, Encoding.UTF8, "application/json");
                case 4:
                    LastBody = "(70 KB)";
                    return new StringContent("{\"notes\":\"" + new string('n', 70_000) + "\"}", Encoding.UTF8, "application/json");
            }

            var value = schema is null ? Wrong(null) : Broken(schema, depth: 0);
            var json = value?.ToJsonString() ?? "null";
            LastBody = json;
            return new StringContent(json, Encoding.UTF8, "application/json");
        }

        /// <summary>A value of the schema's shape with at least one thing wrong somewhere in it.</summary>
        private JsonNode? Broken(JsonNode schema, int depth)
        {
            var type = Type(schema);
            if (type != "object" || depth > 3)
            {
                return random.Next(3) == 0 ? Wrong(schema) : Value(schema, depth);
            }

            var result = new JsonObject();
            var properties = schema["properties"]?.AsObject();
            var names = properties?.Select(p => p.Key).ToList() ?? [];
            var broken = names.Count == 0 ? null : names[random.Next(names.Count)];
            foreach (var name in names)
            {
                var property = Resolve(properties![name]!);
                if (name == broken)
                {
                    // Missing, of the wrong type, or broken inside.
                    switch (random.Next(3))
                    {
                        case 0:
                            continue;
                        case 1:
                            result[name] = Wrong(property);
                            break;
                        default:
                            result[name] = Broken(property, depth + 1);
                            break;
                    }
                }
                else if (random.Next(5) > 0)
                {
                    result[name] = Value(property, depth + 1);
                }
            }

            if (random.Next(3) == 0)
            {
                result["extra" + random.Next(100).ToString(CultureInfo.InvariantCulture)] = Wrong(null);
            }

            return result;
        }

        /// <summary>A plausible value of the schema: never a real id or district, so a well-formed change finds nothing to change.</summary>
        private JsonNode? Value(JsonNode schema, int depth)
        {
            if (schema["enum"] is JsonArray options && options.Count > 0)
            {
                return options[random.Next(options.Count)]?.DeepClone();
            }

            return Type(schema) switch
            {
                "integer" => random.Next(3) == 0 ? JsonValue.Create(Number()) : JsonValue.Create(random.Next(-3, 10)),
                "number" => JsonValue.Create(random.Next(3) == 0 ? Number() : random.NextDouble() * 200 - 100),
                "boolean" => JsonValue.Create(random.Next(2) == 0),
                "array" => new JsonArray(Enumerable.Range(0, random.Next(0, depth > 1 ? 2 : 4))
                    .Select(_ => Broken(Resolve(schema["items"] ?? new JsonObject()), depth + 1)).ToArray()),
                "object" => Broken(schema, depth + 1),
                _ when schema["format"]?.GetValue<string>() == "date-time" => JsonValue.Create(random.Next(2) == 0 ? Pick(OddTimes) : "2026-11-30T09:00:00+08:00"),
                _ => JsonValue.Create(random.Next(4) switch
                {
                    0 => new string('s', random.Next(2) == 0 ? 20_000 : 150),
                    1 => Pick(OddIds),
                    _ => Pick(OddStrings),
                }),
            };
        }

        private JsonNode? Wrong(JsonNode? schema) => (Type(schema ?? new JsonObject()), random.Next(6)) switch
        {
            ("string", 0) or (_, 1) => JsonValue.Create(Number()),
            ("integer" or "number", 0) or (_, 2) => JsonValue.Create(Pick(OddStrings)),
            (_, 3) => new JsonObject { ["nested"] = new JsonArray(JsonValue.Create(Pick(OddTimes))) },
            (_, 4) => new JsonArray(JsonValue.Create(-1), null, JsonValue.Create(true)),
            (_, 5) => JsonValue.Create(Pick(OddTimes)),
            _ => null,
        };

        private double Number() => random.Next(8) switch
        {
            0 => double.MaxValue,
            1 => double.MinValue,
            2 => long.MaxValue,
            3 => -1,
            4 => 0,
            5 => int.MinValue,
            6 => 1e-300,
            _ => random.Next(-1_000_000, 1_000_000),
        };

        private static string Type(JsonNode schema)
        {
            var type = schema["type"];
            if (type is JsonArray types)
            {
                return types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null") ?? "null";
            }

            if (type is not null)
            {
                return type.GetValue<string>();
            }

            return schema["properties"] is not null ? "object" : "string";
        }

        private JsonNode Resolve(JsonNode node)
        {
            for (var hops = 0; hops < 10; hops++)
            {
                if (node["$ref"]?.GetValue<string>() is { } reference)
                {
                    node = reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
                        .Aggregate((JsonNode?)document, (n, part) => n?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]) ?? new JsonObject();
                }
                else if ((node["oneOf"] ?? node["anyOf"] ?? node["allOf"]) is JsonArray choices && choices.Count > 0)
                {
                    node = choices.FirstOrDefault(c => c?["type"]?.ToString() != "null") ?? choices[0]!;
                }
                else
                {
                    return node;
                }
            }

            return node;
        }

        private T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];
    }
}
