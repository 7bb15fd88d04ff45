using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Storage;
using Boai.Orleans.Testing;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// The ledger's rows: one log row per append (<c>e|{last seq}</c>, its events as a JSON array) beside each event's
/// <c>v|</c> and <c>w|</c> rows; tables of the layout before (one <c>e|{seq}</c> row per event) read as they are.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class LedgerRowsTests(DomainCluster domain, ITestOutputHelper output)
{
    // The longest values the API lets into a visit (VisitsApi): notes 2,000 characters, a back-fill's or a rejection's
    // reason 500, up to 50 services of ids up to 64 characters.
    private const int MaxNotes = 2000;
    private const int MaxReason = 500;
    private const int MaxServices = 50;

    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.FromHours(8));

    private static readonly JsonSerializerOptions Comparable = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void An_appends_log_row_array_joins_the_events_texts_as_one_JSON_array(int count)
    {
        var events = Enumerable.Range(1, count).Select(n => Event(n, $"visit-{n}", "vol-a", "shiqi", VisitStep.CheckedIn)).ToList();
        var texts = events.ConvertAll(LedgerRowFormat.Serialize);

        var array = LedgerRowFormat.Array(texts);

        Assert.Equal("[" + string.Join(',', texts) + "]", array);
        Assert.Equal(events.Select(e => e.Seq), LedgerRowFormat.ReadEvents(array).Select(e => e.Seq));
    }

    [Theory]
    [InlineData(VisitStep.CheckedIn)]
    [InlineData(VisitStep.CheckedOut)]
    [InlineData(VisitStep.Decided)]
    public void An_events_stored_text_leaves_out_nulls_and_computed_properties_and_reads_back_the_same_event(VisitStep step)
    {
        var e = Event(7, "visit-7", "vol-a", "shiqi", step);
        if (step == VisitStep.Decided)
        {
            // Every property set: nothing of a decided, back-filled visit with orders may be left out.
            e = e with
            {
                Visit = e.Visit with
                {
                    NeedId = "need-1",
                    HouseholdLocation = new GeoPoint(22.52, 113.38),
                    CheckOutRequest = "out",
                    Services = ["meal", "chat"],
                    DecidedBy = "coord-1",
                    DecisionReason = "ok",
                    DecidedAt = Start.AddHours(2),
                    Backfilled = true,
                    BackfillReason = "phone lost",
                    OrderIds = ["order-1"],
                    BackfilledBy = "coord-2",
                },
            };
        }

        var stored = LedgerRowFormat.Serialize(e);

        Assert.DoesNotContain("null", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("\"key\"", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("\"finished\"", stored, StringComparison.Ordinal);
        Assert.Equal(Text(e), Text(LedgerRowFormat.ReadEvent(stored)));

        // What rows written before held (every property, nulls and the computed ones too) reads as the same event.
        Assert.Equal(Text(e), Text(LedgerRowFormat.ReadEvent(Text(e))));
        Assert.True(stored.Length < Text(e).Length);
    }

    [Fact]
    public async Task Appends_of_one_event_and_of_the_most_events_read_back_through_every_read_from_every_cursor()
    {
        var (log, table) = await NewLedgerAsync();
        var written = new List<LedgerEvent> { Event(1, "visit-0", "vol-a", "shiqi", VisitStep.CheckedIn) };
        await log.AppendAsync(0, written, cursor: 0);

        // A full append: check-ins and, for some visits, their check-outs in the same append, of three volunteers in two districts.
        var batch = new List<LedgerEvent>();
        for (var seq = 2L; batch.Count < AzureTableVisitLog.MaxEventsPerAppend; seq++)
        {
            var n = (int)seq;
            var visit = $"visit-{n / 2}";
            var step = n % 2 == 0 ? VisitStep.CheckedIn : VisitStep.CheckedOut;
            batch.Add(Event(seq, visit, $"vol-{"abc"[n / 2 % 3]}", n / 2 % 2 == 0 ? "shiqi" : "dongqu", step));
        }

        // Written from the texts the fitting made, as the partition appends: the same rows as serialized in the append.
        Assert.Equal(AzureTableVisitLog.MaxEventsPerAppend, AzureTableVisitLog.Fitting(batch, out var jsons));
        Assert.Equal(batch.Select(LedgerRowFormat.Serialize), jsons);
        await log.AppendAsync(0, batch, cursor: 1, jsons: jsons);
        written.AddRange(batch);
        var last = Event(written[^1].Seq + 1, "visit-last", "vol-b", "dongqu", VisitStep.CheckedIn);
        await log.AppendAsync(0, [last], cursor: 2);
        written.Add(last);

        // One log row per append, keyed by its last sequence.
        Assert.Equal(["e|0000000000000001", $"e|{1 + AzureTableVisitLog.MaxEventsPerAppend:D16}", $"e|{2 + AzureTableVisitLog.MaxEventsPerAppend:D16}"], await KeysAsync(table, "e|"));
        Assert.Equal(written.Count, (await KeysAsync(table, "v|")).Count);
        Assert.Equal(written.Count, (await KeysAsync(table, "w|")).Count);

        await AssertReadsAsync(log, table, written);
    }

    [Fact]
    public async Task A_table_of_the_layout_before_reads_back_completely_and_in_order_with_appends_after_it()
    {
        var (log, table) = await NewLedgerAsync();
        var old = new List<LedgerEvent>();
        for (var seq = 1L; seq <= 5; seq++)
        {
            var n = (int)seq;
            old.Add(Event(seq, $"old-{n / 2}", n % 2 == 0 ? "vol-a" : "vol-b", "shiqi", n % 2 == 0 ? VisitStep.CheckedIn : VisitStep.CheckedOut));
        }

        await WriteOldLayoutAsync(table, old, cursor: 2);
        Assert.Equal(5, (await log.ReadTailAsync(0)).Head);

        var appended = Enumerable.Range(6, 5).Select(n => Event(n, $"new-{n}", n % 2 == 0 ? "vol-a" : "vol-c", n % 3 == 0 ? "shiqi" : "dongqu", VisitStep.CheckedIn)).ToList();
        await log.AppendAsync(0, appended, cursor: 5);
        var single = Event(11, "old-2", "vol-a", "shiqi", VisitStep.Decided);
        await log.AppendAsync(0, [single], cursor: 5);

        var all = old.Concat(appended).Append(single).ToList();
        await AssertReadsAsync(log, table, all);

        // A step stored in the layout before is a step that exists for an append now.
        var again = Event(12, "old-1", "vol-b", "shiqi", VisitStep.CheckedOut);
        var exists = await Assert.ThrowsAsync<LedgerStepExistsException>(() => log.AppendAsync(0, [again], cursor: 11));
        Assert.Equal(Text(old.Single(e => e.Visit.VisitId == "old-1" && e.Step == VisitStep.CheckedOut)), Text(exists.Event));
    }

    [Fact]
    public async Task A_step_already_stored_in_the_middle_of_an_append_is_refused_with_the_stored_event_and_nothing_of_the_append_is_written()
    {
        var (log, table) = await NewLedgerAsync();
        var first = Event(1, "visit-x", "vol-a", "shiqi", VisitStep.CheckedIn);
        first = first with { Visit = first.Visit with { Notes = "先到的签到" } };
        await log.AppendAsync(0, [first], cursor: 0);
        var rowsBefore = await KeysAsync(table, "");

        var batch = Enumerable.Range(2, 5).Select(n => Event(n, $"visit-{n}", "vol-b", "dongqu", VisitStep.CheckedIn)).ToList();
        // The same volunteer's check-in of visit-x again (a retry whose first answer was lost), with other content.
        var retry = Event(4, "visit-x", "vol-a", "shiqi", VisitStep.CheckedIn);
        batch[2] = retry with { Visit = retry.Visit with { Notes = "重试" } };

        var exists = await Assert.ThrowsAsync<LedgerStepExistsException>(() => log.AppendAsync(0, batch, cursor: 1));
        Assert.Equal(Text(first), Text(exists.Event));

        Assert.Equal(rowsBefore, await KeysAsync(table, ""));
        var tail = await log.ReadTailAsync(0);
        Assert.Equal(0, tail.Cursor);
        Assert.Equal([Text(first)], tail.Events.Select(Text));
        Assert.Empty(await log.ReadVisitAsync("visit-2"));
        Assert.Empty(await log.ReadVolunteerAsync("vol-b").ToListAsync());
    }

    [Fact]
    public async Task An_append_over_sequences_already_stored_is_a_conflict_not_a_step_that_exists_and_writes_nothing()
    {
        var (log, table) = await NewLedgerAsync();
        await log.AppendAsync(0, Enumerable.Range(1, 3).Select(n => Event(n, $"visit-{n}", "vol-a", "shiqi", VisitStep.CheckedIn)).ToList(), cursor: 0);
        var rowsBefore = await KeysAsync(table, "");

        // A writer that believes the head is 0 (two activations of one partition): its log row's key exists...
        var sameLast = Enumerable.Range(1, 3).Select(n => Event(n, $"other-{n}", "vol-b", "shiqi", VisitStep.CheckedIn)).ToList();
        var conflict = await Assert.ThrowsAsync<TableTransactionRefusedException>(() => log.AppendAsync(0, sameLast, cursor: 0));
        Assert.Equal(409, conflict.Status);

        // ... or only a volunteer's history row does.
        var sameVolunteer = Enumerable.Range(1, 2).Select(n => Event(n, $"other-{n}", "vol-a", "shiqi", VisitStep.CheckedIn)).ToList();
        conflict = await Assert.ThrowsAsync<TableTransactionRefusedException>(() => log.AppendAsync(0, sameVolunteer, cursor: 0));
        Assert.Equal(409, conflict.Status);

        Assert.Equal(rowsBefore, await KeysAsync(table, ""));
    }

    [Theory]
    [InlineData("社区走访记录", 1)]
    [InlineData("👵", 2)]
    public async Task The_biggest_appends_fit_the_property_entity_and_transaction_limits_and_read_back_whole(string letter, int unitsPerLetter)
    {
        var requests = new RequestSizes();
        var (log, table) = await NewLedgerAsync(requests);
        var notes = string.Concat(Enumerable.Repeat(letter, MaxNotes)).Substring(0, MaxNotes - (MaxNotes % unitsPerLetter));
        var reason = notes[..MaxReason];
        var events = Enumerable.Range(1, AzureTableVisitLog.MaxEventsPerAppend * 2).Select(n => Longest(n, notes, reason)).ToList();

        var appended = 0;
        var appends = 0;
        while (appended < events.Count)
        {
            var rest = events.Skip(appended).Take(AzureTableVisitLog.MaxEventsPerAppend).ToList();
            var fitting = AzureTableVisitLog.Fitting(rest, out _);
            Assert.InRange(fitting, 1, rest.Count);
            if (fitting < rest.Count)
            {
                // One more would not fit: the append refuses it before anything is sent.
                await Assert.ThrowsAsync<ArgumentException>(() => log.AppendAsync(0, rest.Take(fitting + 1).ToList(), cursor: 0));
            }

            await log.AppendAsync(0, rest.Take(fitting).ToList(), cursor: 0);
            output.WriteLine($"append of {fitting} events; largest request so far {requests.Largest:N0} bytes");
            appended += fitting;
            appends++;
        }

        Assert.Equal(appends, (await KeysAsync(table, "e|")).Count);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"p000"}")))
        {
            Assert.True(EntityBytes(row) <= 1024 * 1024, $"{row.RowKey}: {EntityBytes(row)} bytes");
            Assert.All(row.Select(p => p.Value).OfType<string>(), s => Assert.True(s.Length <= 32 * 1024, $"{row.RowKey}: a property of {s.Length} characters"));
        }

        Assert.True(requests.Largest <= 4 * 1024 * 1024, $"a transaction of {requests.Largest} bytes");
        Assert.True(requests.Largest > 1024 * 1024, "the appends were not big");
        var visit = Assert.Single(await log.ReadVisitAsync("visit-7"));
        Assert.Equal(notes, visit.Visit.Notes);
        Assert.Equal(events.Select(Text), (await log.ReadTailAsync(0)).Events.Select(Text));
    }

    [Fact]
    public async Task A_second_writer_of_a_partition_is_refused_whole_once_the_first_appended_whatever_its_batch()
    {
        var (log, table) = await NewLedgerAsync();

        // Two writers find a partition never written (no cursor row): the first append wins, the other writes nothing.
        var empty = await log.ReadTailAsync(0);
        Assert.False(empty.Version.Exists);
        var first = await log.AppendAsync(0, [Event(1, "visit-a", "vol-a", "shiqi", VisitStep.CheckedIn)], cursor: 0, empty.Version);
        await Assert.ThrowsAsync<LedgerFencedException>(() =>
            log.AppendAsync(0, [Event(1, "visit-z", "vol-z", "shiqi", VisitStep.CheckedIn)], cursor: 0, empty.Version));

        // Both read the same tail; the first appends three events, the other two (other visits, other volunteers, so no
        // row of theirs collides): only the cursor row's version stops the second.
        var tail = await log.ReadTailAsync(0);
        Assert.Equal(first, tail.Version);
        var second = await log.AppendAsync(
            0, [.. Enumerable.Range(2, 3).Select(n => Event(n, $"visit-{n}", "vol-a", "shiqi", VisitStep.CheckedIn))], cursor: 1, tail.Version);
        Assert.NotEqual(first, second);
        await Assert.ThrowsAsync<LedgerFencedException>(() => log.AppendAsync(
            0, [.. Enumerable.Range(2, 2).Select(n => Event(n, $"visit-y{n}", "vol-y", "dongqu", VisitStep.CheckedIn))], cursor: 1, tail.Version));
        Assert.Empty(await log.ReadVisitAsync("visit-y2"));
        Assert.Empty(await log.ReadVisitAsync("visit-z"));

        // The writer goes on from the version each append answered; one that reads the tail again goes on from there.
        await log.AppendAsync(0, [Event(5, "visit-5", "vol-a", "shiqi", VisitStep.CheckedIn)], cursor: 2, second);
        var again = await log.ReadTailAsync(0);
        await log.AppendAsync(0, [Event(6, "visit-6", "vol-b", "dongqu", VisitStep.CheckedIn)], cursor: 3, again.Version);
        var all = new List<long>();
        await foreach (var e in log.ReadAllAsync())
        {
            all.Add(e.Seq);
        }

        Assert.Equal([1L, 2, 3, 4, 5, 6], all);
        Assert.Equal(["e|0000000000000001", "e|0000000000000004", "e|0000000000000005", "e|0000000000000006"], await KeysAsync(table, "e|"));
    }

    /// <summary>Every read of the ledger gives back exactly <paramref name="written"/> (all of partition 0) in log order.</summary>
    private static async Task AssertReadsAsync(AzureTableVisitLog log, TableClient table, IReadOnlyList<LedgerEvent> written)
    {
        var head = written[^1].Seq;
        foreach (var cursor in Enumerable.Range(0, (int)head + 1).Select(c => (long)c))
        {
            await table.UpsertEntityAsync(new TableEntity("p000", "c") { ["Cursor"] = cursor });
            var tail = await log.ReadTailAsync(0);
            Assert.Equal(cursor, tail.Cursor);
            Assert.Equal(head, tail.Head);
            Assert.Equal(written.Where(e => e.Seq > cursor).Select(Text), tail.Events.Select(Text));
        }

        foreach (var visit in written.Select(e => e.Visit.VisitId).Distinct())
        {
            Assert.Equal(written.Where(e => e.Visit.VisitId == visit).Select(Text), (await log.ReadVisitAsync(visit)).Select(Text));
        }

        foreach (var volunteer in written.Select(e => e.Visit.VolunteerId).Distinct())
        {
            var theirs = written.Where(e => e.Visit.VolunteerId == volunteer).ToList();
            Assert.Equal(theirs.Select(Text), (await log.ReadVolunteerAsync(volunteer).ToListAsync()).Select(Text));
            var after = theirs[theirs.Count / 2].Seq;
            var positions = new LedgerPositions { Applied = { [0] = after } };
            Assert.Equal(theirs.Where(e => e.Seq > after).Select(Text), (await log.ReadVolunteerAfterAsync(volunteer, positions)).Select(Text));
        }

        foreach (var district in written.Select(e => e.Visit.DistrictId).Distinct())
        {
            Assert.Equal(written.Where(e => e.Visit.DistrictId == district).Select(Text), (await log.ReadAllAsync(district).ToListAsync()).Select(Text));
        }

        Assert.Equal(written.Select(Text), (await log.ReadAllAsync().ToListAsync()).Select(Text));
    }

    /// <summary>Rows exactly as the ledger wrote them before one log row per append: three rows an event, each with its JSON.</summary>
    private static async Task WriteOldLayoutAsync(TableClient table, IReadOnlyList<LedgerEvent> events, long cursor)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
        var actions = new List<TableTransactionAction>();
        foreach (var e in events)
        {
            var text = JsonSerializer.Serialize(e, json);
            var step = e.Step switch { VisitStep.CheckedIn or VisitStep.Backfilled => "1", VisitStep.CheckedOut => "2", _ => "3" };
            foreach (var key in new[] { "e|" + Seq(e.Seq), $"v|{e.Visit.VisitId}|{e.Visit.VolunteerId}|{step}", $"w|{e.Visit.VolunteerId}|{Seq(e.Seq)}" })
            {
                actions.Add(new(TableTransactionActionType.Add, new TableEntity("p000", key)
                {
                    ["Json"] = text,
                    ["Seq"] = e.Seq,
                    ["VisitId"] = e.Visit.VisitId,
                    ["VolunteerId"] = e.Visit.VolunteerId,
                    ["DistrictId"] = e.Visit.DistrictId,
                    ["CheckedInAt"] = e.Visit.CheckedInAt,
                }));
            }
        }

        actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity("p000", "c") { ["Cursor"] = cursor }));
        await table.SubmitTransactionAsync(actions);
    }

    private static LedgerEvent Event(long seq, string visitId, string volunteerId, string districtId, VisitStep step)
    {
        var at = Start.AddMinutes(seq);
        var checkedOut = step is VisitStep.CheckedIn ? (DateTimeOffset?)null : at.AddMinutes(45);
        return new LedgerEvent(0, seq, step, new VisitRecord
        {
            VisitId = visitId,
            VolunteerId = volunteerId,
            HouseholdId = "household-" + visitId,
            DistrictId = districtId,
            CheckedInAt = at,
            CheckInReceivedAt = at,
            CheckedOutAt = checkedOut,
            CheckOutReceivedAt = checkedOut,
            DurationMinutes = checkedOut is null ? null : 45,
            Hours = checkedOut is null ? null : 0.75,
            Notes = $"第 {seq} 次 <b>\"note\"</b>",
            Flags = seq % 3 == 0 ? [HoursRules.Late] : [],
            Status = step switch
            {
                VisitStep.CheckedIn => VisitStatus.CheckedIn,
                VisitStep.Decided => VisitStatus.Certified,
                _ => VisitStatus.CheckedOut,
            },
        });
    }

    /// <summary>
    /// A back-filled visit then rejected, at every limit: the notes and reason twice (in the record and in the request's
    /// fingerprint, as VisitGrain keeps it), the rejection's reason, 50 services of 64-character ids, every flag, orders.
    /// </summary>
    private static LedgerEvent Longest(long seq, string notes, string reason)
    {
        var id = (string prefix) => (prefix + seq.ToString(CultureInfo.InvariantCulture) + new string('x', Ids.MaxLength))[..Ids.MaxLength];
        var services = Enumerable.Range(0, MaxServices).Select(i => (i.ToString("D2", CultureInfo.InvariantCulture) + new string('s', Ids.MaxLength))[..Ids.MaxLength]).ToList();
        var at = Start.AddMinutes(seq);
        var e = Event(seq, $"visit-{seq}", id("volunteer-"), "shiqi", VisitStep.Decided);
        return e with
        {
            Visit = e.Visit with
            {
                HouseholdId = id("household-"),
                NeedId = id("need-") + "~n12345",
                CheckInRequest = string.Join('|', id("volunteer-"), id("household-"), id("need-"), at.UtcTicks) + "|" + string.Join('|', reason, string.Join(',', services), notes, at.UtcTicks, ""),
                CheckOutRequest = string.Join('|', id("volunteer-"), string.Join(',', services), notes, at.UtcTicks, "23.1,113.2,2500"),
                HouseholdLocation = new GeoPoint(23.1291234, 113.2644321),
                Flags = [HoursRules.Late, HoursRules.OutsideRadius, HoursRules.OverCap, HoursRules.NoLocation],
                Services = services,
                Notes = notes,
                Status = VisitStatus.Rejected,
                DecidedBy = id("coordinator-"),
                DecisionReason = reason,
                DecidedAt = at.AddDays(1),
                Backfilled = true,
                BackfillReason = reason,
                BackfilledBy = id("operator-"),
                OrderIds = Enumerable.Range(0, 10).Select(i => id("household-") + "~o" + i.ToString(CultureInfo.InvariantCulture)).ToList(),
            },
        };
    }

    /// <summary>An entity's size as Azure Tables counts it against its 1 MiB (strings in UTF-16).</summary>
    private static long EntityBytes(TableEntity row)
    {
        long bytes = 4 + ((row.PartitionKey.Length + row.RowKey.Length) * 2);
        foreach (var (name, value) in row)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")
            {
                continue;
            }

            bytes += 8 + (name.Length * 2) + value switch
            {
                string s => 4 + (s.Length * 2),
                long or double or DateTimeOffset or DateTime => 8,
                int => 4,
                bool => 1,
                _ => throw new InvalidOperationException($"{name}: {value?.GetType()}"),
            };
        }

        return bytes;
    }

    private static string Text(LedgerEvent e) => JsonSerializer.Serialize(e, Comparable);

    private static string Seq(long seq) => seq.ToString("D16", CultureInfo.InvariantCulture);

    private static async Task<List<string>> KeysAsync(TableClient table, string prefix)
    {
        var keys = new List<string>();
        var filter = prefix.Length == 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {"p000"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {"p000"} and RowKey gt {prefix} and RowKey lt {prefix + "~"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"]))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }

    /// <summary>A ledger of one partition on a table of its own (so every event is in partition 0).</summary>
    private async Task<(AzureTableVisitLog Log, TableClient Table)> NewLedgerAsync(RequestSizes? requests = null)
    {
        var name = "rows" + Guid.NewGuid().ToString("N")[..8];
        var tables = AzuriteTransactions.Tables(domain.Azurite.ConnectionString, new BoaiTableOptions { LedgerTable = name }, requests);
        var log = new AzureTableVisitLog(tables, Options.Create(new LedgerOptions { Partitions = 1 }));
        await log.OpenAsync();
        return (log, new TableServiceClient(domain.Azurite.ConnectionString).GetTableClient(name));
    }

    /// <summary>
    /// The largest request body sent: a transaction must stay under 4 MiB (Azurite checks that too, and each string
    /// property's 32,768 characters, but an entity's 1 MiB in UTF-8 where Azure counts UTF-16: the test counts as Azure).
    /// </summary>
    private sealed class RequestSizes : HttpPipelineSynchronousPolicy
    {
        private long _largest;

        public long Largest => Interlocked.Read(ref _largest);

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Content is not { } content)
            {
                return;
            }

            if (!content.TryComputeLength(out var length))
            {
                using var body = new MemoryStream();
                content.WriteTo(body, message.CancellationToken);
                length = body.Length;
            }

            long seen;
            while (length > (seen = Interlocked.Read(ref _largest)) && Interlocked.CompareExchange(ref _largest, length, seen) != seen)
            {
            }
        }
    }
}
