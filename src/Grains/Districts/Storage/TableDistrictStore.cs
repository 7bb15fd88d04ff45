using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Districts;

/// <summary>
/// A district's projection in one Azure Table partition. Households and volunteers, the district's bulk (越秀: 20,000
/// and 180,000), are kept many to a row: each goes to one of a fixed number of buckets by a hash of its id, and a
/// bucket is one row holding all its members as one JSON object (split over several properties when longer than one
/// property may be). A cold activation then reads about 2,600 rows instead of 200,000: Azure Tables serves about
/// 2,000 entities a second from one partition, so row count, not bytes, is what an activation waits for. A change
/// rewrites its bucket (tens of members). Visits in progress, today's check-ins, this month's visits, visits due today
/// and ledger positions stay one row each: few, and changed one at a time.
/// </summary>
/// <remarks>
/// <para>The volunteers' buckets are read after the activation (<see cref="ReadVolunteersAsync"/>, seconds at 越秀 size).
/// A volunteer put or deleted before that read is adopted (<see cref="AdoptVolunteers"/>) cannot go to its bucket, whose
/// other members are not in memory yet: it is written as a single row <c>v|id</c> (the record, or a removal), read
/// with the activation and kept over what the bucket says (it is newer). Once adopted, the bucket is written with the
/// member and, in the same entity-group transaction, the single row is overwritten by a marker saying the bucket holds
/// it, so a single row never outlives its value in a way a later read could take for newer; markers are deleted after.</para>
/// <para>Rows of the earlier layout (one row per household or volunteer, <c>h|id</c> and <c>v|id</c>) are read the same
/// way and moved into their buckets on the next flush, so a district moves to this layout by being active.</para>
/// </remarks>
public sealed class TableDistrictStore(string districtId, Func<Task<TableClient>> table, ITableTransactions transactions) : IDistrictStore
{
    /// <summary>Households are spread over this many buckets (rows).</summary>
    public const int HouseholdBuckets = 512;

    /// <summary>Volunteers are spread over this many buckets (rows).</summary>
    public const int VolunteerBuckets = 2048;

    /// <summary>Volunteers' activity (<see cref="VolunteerActivity"/>, tens of bytes each) over this many buckets.</summary>
    public const int ActivityBuckets = 128;

    // A transaction holds at most 4 MiB and 100 actions (a long text goes over several properties: TableText).
    private const int TransactionChars = 1_500_000;
    private const int TransactionActions = 100;

    // The lease row: who writes the district now (see LoadAsync); every transaction of that writer is conditional on it.
    private const string LeaseRowKey = "~lease";
    private const string OwnerProperty = "Owner";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly Dictionary<DistrictRowKind, (string Prefix, Type Type)> Kinds = new()
    {
        [DistrictRowKind.Household] = ("hb|", typeof(HouseholdSummary)),
        [DistrictRowKind.Volunteer] = ("vb|", typeof(VolunteerSummary)),
        [DistrictRowKind.Active] = ("a|", typeof(ActiveVisit)),
        [DistrictRowKind.Today] = ("t|", typeof(string)),
        [DistrictRowKind.Month] = ("m|", typeof(MonthVisit)),
        [DistrictRowKind.Due] = ("d|", typeof(DueVisit)),
        [DistrictRowKind.Position] = ("p|", typeof(long)),
        [DistrictRowKind.Activity] = ("cb|", typeof(VolunteerActivity)),
    };

    // Volunteer buckets are the row keys from "vb|" up to (not including) "vb}": '}' follows '|'.
    private const string VolunteersFrom = "vb|";
    private const string VolunteersTo = "vb}";

    // The earlier layout's one row per household or volunteer; volunteers' single rows are also those written before
    // the volunteers' read was adopted.
    private const string SingleHousehold = "h|";
    private const string PositionPrefix = "p|";
    private const string SingleVolunteer = "v|";
    private const string RemovedProperty = "Removed";
    private const string InBucketProperty = "InBucket";

    private readonly string _partition = AzureTableKeys.Escape(districtId);
    private readonly string _owner = Guid.NewGuid().ToString("N");

    // The lease as this store last wrote it; null for a store that never loaded (a seeder), which writes unconditionally.
    private ETag? _lease;
    private readonly Bucketed _households = new(DistrictRowKind.Household, HouseholdBuckets);
    private readonly Bucketed _volunteers = new(DistrictRowKind.Volunteer, VolunteerBuckets);
    private readonly Bucketed _activity = new(DistrictRowKind.Activity, ActivityBuckets);
    private Dictionary<string, TableEntity?> _dirty = new(StringComparer.Ordinal);

    // Rows of their own (active visits, positions...) that storage may hold: read at activation or sent by a flush. A row
    // put and deleted between two flushes was never sent, and its delete is dropped instead of sent: a delete of a
    // missing row fails its whole transaction (404), which then goes again in pieces (a visit checked in and out within
    // one flush interval cost three requests instead of none).
    private readonly HashSet<string> _maybeStored = new(StringComparer.Ordinal);

    // Volunteers put (a record) or deleted (null) before the volunteers' read was adopted: newer than their bucket's row.
    private readonly Dictionary<string, VolunteerSummary?> _early = new(StringComparer.Ordinal);

    // Volunteers that have (or may have) a single row in storage, with whether they changed since it was written.
    private readonly Dictionary<string, bool> _singles = new(StringComparer.Ordinal);

    // A store that never read its district (a seeder, a new district's first writes) keeps volunteers in buckets at once.
    private bool _volunteersAdopted = true;

    public TableDistrictStore(string districtId, TableClient table, ITableTransactions transactions)
        : this(districtId, () => Task.FromResult(table), transactions)
    {
    }

    /// <summary>False only for a reader that must not fence off the district's writer (a test looking at storage mid-story).</summary>
    internal bool TakesLease { get; init; } = true;

    public bool HasChanges => _dirty.Count > 0 || _households.HasChanges || _volunteers.HasChanges || _activity.HasChanges;

    /// <summary>Rows this store keeps for <paramref name="kind"/> in storage: buckets for the bulk kinds, else one per id.</summary>
    public static bool IsBucketed(DistrictRowKind kind) => kind is DistrictRowKind.Household or DistrictRowKind.Volunteer or DistrictRowKind.Activity;

    public void Put<T>(DistrictRowKind kind, string id, T value, string? tag = null)
        where T : notnull
    {
        if (kind == DistrictRowKind.Volunteer && !_volunteersAdopted)
        {
            PutSingle(id, (VolunteerSummary)(object)value);
            return;
        }

        if (Bulk(kind) is { } bulk)
        {
            bulk.Put(id, value);
            MarkChanged(kind, id);
            return;
        }

        var row = new TableEntity(_partition, Kinds[kind].Prefix + AzureTableKeys.Escape(id));
        WriteJson(row, JsonSerializer.Serialize(value, Kinds[kind].Type, Json));
        if (tag is not null)
        {
            row["Tag"] = tag;
        }

        _dirty[row.RowKey] = row;
    }

    public void Delete(DistrictRowKind kind, string id)
    {
        if (kind == DistrictRowKind.Volunteer && !_volunteersAdopted)
        {
            PutSingle(id, null);
            return;
        }

        if (Bulk(kind) is { } bulk)
        {
            bulk.Remove(id);
            MarkChanged(kind, id);
            return;
        }

        var key = Kinds[kind].Prefix + AzureTableKeys.Escape(id);
        if (_maybeStored.Contains(key))
        {
            _dirty[key] = null;
        }
        else
        {
            _dirty.Remove(key);
        }
    }

    /// <summary>
    /// Takes the district's lease, then reads its rows. Taking the lease fences off every earlier writer: an activation
    /// on a silo declared dead that still runs (a zombie), or a duplicate during a membership change, would otherwise
    /// overwrite rows this activation already moved past (a visit checked out here written back as in progress by the
    /// old one, behind positions that say its check-out is applied). Each of its writes is a transaction conditional
    /// on the lease, so once a newer activation took it they fail whole (<see cref="DistrictStoreFencedException"/>);
    /// a write that landed before is read here.
    /// </summary>
    public async Task<IReadOnlyList<DistrictRow>> LoadAsync(CancellationToken cancellationToken)
    {
        _volunteersAdopted = false;
        if (TakesLease)
        {
            var client = await table();
            var lease = await client.UpsertEntityAsync(LeaseRow(), TableUpdateMode.Replace, cancellationToken);
            _lease = lease.Headers.ETag;
        }
        var rows = new List<DistrictRow>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {_partition} and (RowKey lt {VolunteersFrom} or RowKey ge {VolunteersTo})");
        await foreach (var entity in QueryAsync(filter, cancellationToken))
        {
            var key = entity.RowKey;
            _maybeStored.Add(key);
            if (key.StartsWith(SingleVolunteer, StringComparison.Ordinal))
            {
                if (ReadSingle(entity) is { } volunteer)
                {
                    rows.Add(new DistrictRow(DistrictRowKind.Volunteer, volunteer.VolunteerId, volunteer, null));
                }

                continue;
            }

            if (key.StartsWith(SingleHousehold, StringComparison.Ordinal))
            {
                // The earlier layout: into its bucket, and the single row goes with the next flush.
                var household = JsonSerializer.Deserialize<HouseholdSummary>(ReadJson(entity), Json)!;
                _households.Put(household.HouseholdId, household);
                _dirty[key] = null;
                rows.Add(new DistrictRow(DistrictRowKind.Household, household.HouseholdId, household, null));
                continue;
            }

            var found = Kinds.FirstOrDefault(k => key.StartsWith(k.Value.Prefix, StringComparison.Ordinal));
            if (found.Value.Prefix is null)
            {
                continue;
            }

            if (Bulk(found.Key) is { } bulk)
            {
                var bucket = int.Parse(key[found.Value.Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture);
                foreach (var (id, value) in bulk.Read(bucket, ReadJson(entity)))
                {
                    rows.Add(new DistrictRow(found.Key, id, value, null));
                }

                continue;
            }

            rows.Add(new DistrictRow(
                found.Key,
                AzureTableKeys.Unescape(key[found.Value.Prefix.Length..]),
                JsonSerializer.Deserialize(ReadJson(entity), found.Value.Type, Json)!,
                entity.GetString("Tag")));
        }

        return rows;
    }

    /// <summary>
    /// The volunteers' buckets as stored, read and deserialized without touching this store's state: safe on any thread,
    /// while the grain goes on putting rows. Hand the result to <see cref="AdoptVolunteers"/> on the grain's turn.
    /// </summary>
    public async Task<IReadOnlyList<DistrictRow>> ReadVolunteersAsync(CancellationToken cancellationToken)
    {
        var rows = new List<DistrictRow>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {_partition} and RowKey ge {VolunteersFrom} and RowKey lt {VolunteersTo}");
        await foreach (var entity in QueryAsync(filter, cancellationToken))
        {
            foreach (var (id, value) in Bucketed.Parse(DistrictRowKind.Volunteer, ReadJson(entity)))
            {
                rows.Add(new DistrictRow(DistrictRowKind.Volunteer, id, value, null));
            }
        }

        return rows;
    }

    /// <summary>
    /// Takes the volunteers read by <see cref="ReadVolunteersAsync"/> into their buckets; a volunteer put or deleted since
    /// the activation keeps that newer state, and goes into its bucket with the next flush. From now on volunteers are
    /// kept in buckets. Returns the rows read that are still current (the caller already has the newer ones).
    /// </summary>
    public IReadOnlyList<DistrictRow> AdoptVolunteers(IReadOnlyList<DistrictRow> read)
    {
        var current = new List<DistrictRow>(read.Count);
        foreach (var row in read)
        {
            if (!_early.ContainsKey(row.Id))
            {
                _volunteers.Load(row.Id, row.Value);
                current.Add(row);
            }
        }

        _volunteersAdopted = true;
        foreach (var (id, volunteer) in _early)
        {
            // The bucket as stored still holds the older record (or the removed volunteer): it is written again either way.
            if (volunteer is not null)
            {
                _volunteers.Put(id, volunteer);
            }
            else
            {
                _volunteers.Remove(id);
                _volunteers.MarkDirty([_volunteers.BucketOf(id)]);
            }
        }

        _early.Clear();

        // Single rows not yet written need not be: the bucket's write carries their records (and a marker in their place).
        foreach (var id in _singles.Keys)
        {
            if (_dirty.Remove(SingleVolunteer + AzureTableKeys.Escape(id)))
            {
                _singles[id] = true;
            }
        }

        return current;
    }

    public async Task FlushAsync()
    {
        var taken = _dirty;
        _dirty = new Dictionary<string, TableEntity?>(StringComparer.Ordinal);
        var households = _households.TakeDirty();
        var volunteers = _volunteers.TakeDirty();
        var activity = _activity.TakeDirty();
        var singles = SinglesOf(volunteers);
        TableClient client;
        try
        {
            var groups = new List<TableTransactionAction[]>();
            foreach (var bucket in households)
            {
                var row = BucketRow(_households, bucket);
                taken[row.RowKey] = row;
            }

            foreach (var bucket in activity)
            {
                var row = BucketRow(_activity, bucket);
                taken[row.RowKey] = row;
            }

            foreach (var (key, row) in taken)
            {
                groups.Add([Action(key, row)]);
                if (row is not null)
                {
                    // From now on it may be stored, whatever this write's outcome.
                    _maybeStored.Add(key);
                }
            }

            // A volunteer bucket goes with markers over its members' single rows, in one transaction: atomically.
            foreach (var bucket in volunteers)
            {
                var row = BucketRow(_volunteers, bucket);
                var markers = singles.Marked.Where(id => _volunteers.BucketOf(id) == bucket).Select(id => Action(SingleVolunteer + AzureTableKeys.Escape(id), Marker(id)));
                groups.Add([Action(row.RowKey, row), .. markers]);
            }

            client = await table();

            // Single rows beyond one transaction's room that changed since written are brought up to date first, so that
            // once the bucket is written they hold what it holds.
            await SubmitAllAsync(client, Transactions(singles.Rewritten.Select(id => new[] { Action(SingleVolunteer + AzureTableKeys.Escape(id), SingleRow(id, (VolunteerSummary?)_volunteers.Find(id))) })));
            foreach (var id in singles.Rewritten)
            {
                _singles[id] = false;
            }

            // When the write takes several transactions, two kinds of row go last, after every other row landed, so a write
            // that fails halfway never leaves storage claiming more than it holds: the ledger positions (a new activation
            // would skip the events the ledger delivers again) and the deletion of an earlier layout's household row (its
            // bucket must hold the household first). One transaction is atomic.
            var chunks = Transactions(groups).ToList();
            if (chunks.Count <= 1)
            {
                await SubmitAllAsync(client, chunks);
            }
            else
            {
                await SubmitAllAsync(client, Transactions(groups.Where(g => !GoesLast(g))));
                await SubmitAllAsync(client, Transactions(groups.Where(GoesLast)));
            }
        }
        catch
        {
            foreach (var (key, row) in taken)
            {
                if (IsBucketRow(key))
                {
                    continue;
                }

                if (_volunteersAdopted && row is not null && key.StartsWith(SingleVolunteer, StringComparison.Ordinal))
                {
                    // Superseded meanwhile by the adopted buckets: not written again, and whether it landed is unknown.
                    _singles[AzureTableKeys.Unescape(key[SingleVolunteer.Length..])] = true;
                    continue;
                }

                _dirty.TryAdd(key, row);
            }

            // A bucket is written whole from memory, so one that failed is simply written again.
            _households.MarkDirty(households);
            _volunteers.MarkDirty(volunteers);
            _activity.MarkDirty(activity);
            throw;
        }

        // Rows deleted by this write are gone: no longer tracked (an activation would otherwise track every visit it saw).
        foreach (var (key, row) in taken)
        {
            if (row is null)
            {
                _maybeStored.Remove(key);
            }
        }

        // Markers (and single rows equal to their bucket's record) are harmless now; they are deleted behind the flush.
        foreach (var id in singles.Marked)
        {
            _singles.Remove(id);
        }

        var deletes = singles.Marked.Concat(singles.Late).Select(id => SingleVolunteer + AzureTableKeys.Escape(id)).ToList();
        if (deletes.Count > 0)
        {
            try
            {
                await SubmitAllAsync(client, Transactions(deletes.Select(key => new[] { Action(key, null) })));
                foreach (var id in singles.Late)
                {
                    _singles.Remove(id);
                }
            }
            catch (RequestFailedException)
            {
                // Left for a later flush: a marker may be deleted any time, and a late single row stays tracked.
                foreach (var id in singles.Marked)
                {
                    _dirty.TryAdd(SingleVolunteer + AzureTableKeys.Escape(id), null);
                }
            }
        }
    }

    /// <summary>
    /// The single rows of the volunteers whose buckets are written now: up to a transaction's room per bucket get a marker
    /// with it (those changed since their row was written first); the rest are rewritten first when changed, and deleted after.
    /// </summary>
    private (List<string> Marked, List<string> Rewritten, List<string> Late) SinglesOf(HashSet<int> buckets)
    {
        var marked = new List<string>();
        var rewritten = new List<string>();
        var late = new List<string>();
        if (_singles.Count == 0 || buckets.Count == 0 || !_volunteersAdopted)
        {
            return (marked, rewritten, late);
        }

        foreach (var members in _singles.Where(s => buckets.Contains(_volunteers.BucketOf(s.Key))).GroupBy(s => _volunteers.BucketOf(s.Key)))
        {
            var ordered = members.OrderByDescending(s => s.Value).ToList();
            marked.AddRange(ordered.Take(TransactionActions - 1).Select(s => s.Key));
            foreach (var (id, changed) in ordered.Skip(TransactionActions - 1))
            {
                late.Add(id);
                if (changed)
                {
                    rewritten.Add(id);
                }
            }
        }

        return (marked, rewritten, late);
    }

    private void PutSingle(string id, VolunteerSummary? volunteer)
    {
        _dirty[SingleVolunteer + AzureTableKeys.Escape(id)] = SingleRow(id, volunteer);
        _early[id] = volunteer;
        _singles[id] = false;
    }

    private void MarkChanged(DistrictRowKind kind, string id)
    {
        if (kind == DistrictRowKind.Volunteer && _singles.ContainsKey(id))
        {
            _singles[id] = true;
        }
    }

    /// <summary>A volunteer's single row: the record, or a removal.</summary>
    private TableEntity SingleRow(string id, VolunteerSummary? volunteer)
    {
        var row = new TableEntity(_partition, SingleVolunteer + AzureTableKeys.Escape(id));
        if (volunteer is null)
        {
            row[RemovedProperty] = true;
        }
        else
        {
            WriteJson(row, JsonSerializer.Serialize(volunteer, Json));
        }

        return row;
    }

    /// <summary>What replaces a single row once its bucket holds the volunteer: read as nothing, deleted when seen.</summary>
    private TableEntity Marker(string id) => new(_partition, SingleVolunteer + AzureTableKeys.Escape(id)) { [InBucketProperty] = true };

    /// <summary>A single volunteer row read with the activation: kept over the bucket (newer); a marker is deleted.</summary>
    private VolunteerSummary? ReadSingle(TableEntity entity)
    {
        if (entity.GetBoolean(InBucketProperty) == true)
        {
            _dirty[entity.RowKey] = null;
            return null;
        }

        var id = AzureTableKeys.Unescape(entity.RowKey[SingleVolunteer.Length..]);
        var volunteer = entity.GetBoolean(RemovedProperty) == true ? null : JsonSerializer.Deserialize<VolunteerSummary>(ReadJson(entity), Json)!;
        _early[id] = volunteer;
        _singles[id] = false;
        return volunteer;
    }

    private async IAsyncEnumerable<TableEntity> QueryAsync(string filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await table();
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return entity;
        }
    }

    private TableTransactionAction Action(string key, TableEntity? row) => row is not null
        ? new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)
        : new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(_partition, key), ETag.All);

    private static bool IsBucketRow(string key) =>
        key.StartsWith(Kinds[DistrictRowKind.Household].Prefix, StringComparison.Ordinal)
        || key.StartsWith(Kinds[DistrictRowKind.Volunteer].Prefix, StringComparison.Ordinal)
        || key.StartsWith(Kinds[DistrictRowKind.Activity].Prefix, StringComparison.Ordinal);

    private Bucketed? Bulk(DistrictRowKind kind) => kind switch
    {
        DistrictRowKind.Household => _households,
        DistrictRowKind.Volunteer => _volunteers,
        DistrictRowKind.Activity => _activity,
        _ => null,
    };

    private TableEntity BucketRow(Bucketed bulk, int bucket)
    {
        var row = new TableEntity(_partition, Kinds[bulk.Kind].Prefix + bucket.ToString("D4", CultureInfo.InvariantCulture));
        WriteJson(row, bulk.Write(bucket));
        return row;
    }

    /// <summary>Groups packed into transactions (at most 100 actions and about 1.5 MB each); a group is never split.</summary>
    private static bool GoesLast(TableTransactionAction[] group) => group is [{ Entity.RowKey: var key } action]
        && (key.StartsWith(PositionPrefix, StringComparison.Ordinal)
            || (action.ActionType == TableTransactionActionType.Delete && key.StartsWith(SingleHousehold, StringComparison.Ordinal)));

    private static IEnumerable<TableTransactionAction[]> Transactions(IEnumerable<TableTransactionAction[]> groups)
    {
        var chunk = new List<TableTransactionAction>();
        var chars = 0;
        foreach (var group in groups)
        {
            var size = group.Sum(a => a.ActionType == TableTransactionActionType.Delete ? 0 : JsonLength(a.Entity));
            // One action of each transaction is the lease's.
            if (chunk.Count > 0 && (chunk.Count + group.Length > TransactionActions - 1 || chars + size > TransactionChars))
            {
                yield return [.. chunk];
                chunk.Clear();
                chars = 0;
            }

            chunk.AddRange(group);
            chars += size;
        }

        if (chunk.Count > 0)
        {
            yield return [.. chunk];
        }
    }

    /// <summary>The JSON text, split over <c>Json</c>, <c>Json1</c>, <c>Json2</c>, … when longer than one property may hold.</summary>
    private static void WriteJson(TableEntity row, string json) => TableText.Write(row, "Json", json);

    private static string ReadJson(TableEntity row) => TableText.Read(row, "Json")!;

    private static int JsonLength(ITableEntity row) => ((TableEntity)row).Select(p => p.Value).OfType<string>().Sum(s => s.Length);

    /// <summary>
    /// One transaction. A delete of a row that is not there (put and deleted before a flush, or deleted twice) fails
    /// the whole transaction with 404; then the upserts go again on their own and the deletes one by one.
    /// </summary>
    private async Task SubmitAsync(TableClient client, TableTransactionAction[] chunk)
    {
        try
        {
            await SubmitLeasedAsync(client, chunk);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && chunk.Any(a => a.ActionType == TableTransactionActionType.Delete))
        {
            var upserts = chunk.Where(a => a.ActionType != TableTransactionActionType.Delete).ToList();
            if (upserts.Count > 0)
            {
                await SubmitLeasedAsync(client, upserts);
            }

            await Task.WhenAll(chunk.Where(a => a.ActionType == TableTransactionActionType.Delete).Select(a => DeleteAsync(client, a.Entity.RowKey)));
        }
    }

    /// <summary>One transaction after another: each moves the lease on, and the next is conditional on where it moved.</summary>
    private async Task SubmitAllAsync(TableClient client, IEnumerable<TableTransactionAction[]> chunks)
    {
        foreach (var chunk in chunks)
        {
            await SubmitAsync(client, chunk);
        }
    }

    /// <summary>The transaction with the lease's update, conditional on the lease being as this store last wrote it.</summary>
    private async Task SubmitLeasedAsync(TableClient client, IReadOnlyList<TableTransactionAction> chunk, bool checkedOwner = false)
    {
        if (_lease is not { } lease)
        {
            await transactions.SubmitAsync(client.Name, chunk);
            return;
        }

        List<TableTransactionAction> actions = [.. chunk, new(TableTransactionActionType.UpdateMerge, LeaseRow(), lease)];
        try
        {
            // An answer without the lease's new ETag is treated as lost: the next write finds where the lease is (below).
            _lease = new ETag(await transactions.SubmitAsync(client.Name, actions, actions.Count - 1)
                ?? throw new RequestFailedException(0, "The district's transaction was answered without its lease's ETag."));
        }
        catch (RequestFailedException ex) when (ex.Status == 412 && !checkedOwner)
        {
            // A write of ours whose answer was lost may have moved the lease on; another owner means this store is fenced off.
            var current = await client.GetEntityAsync<TableEntity>(_partition, LeaseRowKey);
            if (current.Value.GetString(OwnerProperty) != _owner)
            {
                throw new DistrictStoreFencedException(districtId, ex);
            }

            _lease = current.Value.ETag;
            await SubmitLeasedAsync(client, chunk, checkedOwner: true);
        }
    }

    private TableEntity LeaseRow() => new(_partition, LeaseRowKey) { [OwnerProperty] = _owner };

    private async Task DeleteAsync(TableClient client, string rowKey)
    {
        try
        {
            await client.DeleteEntityAsync(_partition, rowKey, ETag.All);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone: a delete is idempotent.
        }
    }

    /// <summary>Members of a bulk kind by bucket; the values are the grain's own (immutable) records, not copies.</summary>
    private sealed class Bucketed(DistrictRowKind kind, int count)
    {
        private readonly Dictionary<string, object>?[] _buckets = new Dictionary<string, object>?[count];
        private HashSet<int> _dirty = [];

        public DistrictRowKind Kind => kind;

        public bool HasChanges => _dirty.Count > 0;

        public void Put(string id, object value)
        {
            var bucket = BucketOf(id);
            (_buckets[bucket] ??= new Dictionary<string, object>(StringComparer.Ordinal))[id] = value;
            _dirty.Add(bucket);
        }

        public void Remove(string id)
        {
            var bucket = BucketOf(id);
            if (_buckets[bucket]?.Remove(id) == true)
            {
                _dirty.Add(bucket);
            }
        }

        public IEnumerable<KeyValuePair<string, object>> Read(int bucket, string json)
        {
            var members = _buckets[bucket] ??= new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var (id, value) in Parse(kind, json))
            {
                members[id] = value;
                yield return new(id, value);
            }
        }

        /// <summary>A bucket row's members, touching no bucket: safe on any thread.</summary>
        public static IEnumerable<KeyValuePair<string, object>> Parse(DistrictRowKind kind, string json)
        {
            foreach (var (id, element) in JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json, Json)!)
            {
                yield return new(id, element.Deserialize(Kinds[kind].Type, Json)!);
            }
        }

        /// <summary>A member as read from storage: its bucket is not changed by it.</summary>
        public void Load(string id, object value) =>
            (_buckets[BucketOf(id)] ??= new Dictionary<string, object>(StringComparer.Ordinal))[id] = value;

        public object? Find(string id) => _buckets[BucketOf(id)]?.GetValueOrDefault(id);

        public string Write(int bucket)
        {
            // Values declared as object are written with their own (record) type.
            return JsonSerializer.Serialize(_buckets[bucket] ?? [], Json);
        }

        public HashSet<int> TakeDirty()
        {
            var taken = _dirty;
            _dirty = [];
            return taken;
        }

        public void MarkDirty(IEnumerable<int> buckets) => _dirty.UnionWith(buckets);

        // FNV-1a over the id's UTF-16 code units: stable across processes and versions, unlike string.GetHashCode.
        public int BucketOf(string id)
        {
            var hash = 2166136261u;
            foreach (var c in id)
            {
                hash = (hash ^ c) * 16777619u;
            }

            return (int)(hash % (uint)count);
        }
    }
}

/// <summary>Each district's store in the districts table (<see cref="BoaiTables.Districts"/>), one partition per district.</summary>
public sealed class TableDistrictStoreFactory(BoaiTables tables) : IDistrictStoreFactory
{
    public IDistrictStore Create(string districtId) => new TableDistrictStore(districtId, () => tables.Districts, tables.Transactions);
}

/// <summary>A newer activation of the district took its lease: this one's writes are refused, and it must go.</summary>
public sealed class DistrictStoreFencedException(string districtId, Exception inner)
    : Exception($"District {districtId} is written by a newer activation; this one's write was refused", inner);
