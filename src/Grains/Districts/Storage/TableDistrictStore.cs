using System.Globalization;
using System.Text;
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
/// Rows of the earlier layout (one row per household or volunteer, <c>h|id</c> and <c>v|id</c>) are read as well,
/// moved into their buckets on the next flush and deleted then, so a district moves to this layout by being active.
/// </remarks>
public sealed class TableDistrictStore(string districtId, Func<Task<TableClient>> table) : IDistrictStore
{
    /// <summary>Households are spread over this many buckets (rows).</summary>
    public const int HouseholdBuckets = 512;

    /// <summary>Volunteers are spread over this many buckets (rows).</summary>
    public const int VolunteerBuckets = 2048;

    /// <summary>Volunteers' activity (<see cref="VolunteerActivity"/>, tens of bytes each) over this many buckets.</summary>
    public const int ActivityBuckets = 128;

    // A string property holds at most 64 KiB (32 Ki UTF-16 characters); a transaction at most 4 MiB and 100 actions.
    private const int PropertyChars = 30_000;
    private const int TransactionChars = 1_500_000;
    private const int TransactionActions = 100;

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

    // The earlier layout's one row per household or volunteer.
    private const string SingleHousehold = "h|";
    private const string SingleVolunteer = "v|";

    private readonly string _partition = AzureTableKeys.Escape(districtId);
    private readonly Bucketed _households = new(DistrictRowKind.Household, HouseholdBuckets);
    private readonly Bucketed _volunteers = new(DistrictRowKind.Volunteer, VolunteerBuckets);
    private readonly Bucketed _activity = new(DistrictRowKind.Activity, ActivityBuckets);
    private Dictionary<string, TableEntity?> _dirty = new(StringComparer.Ordinal);

    public TableDistrictStore(string districtId, TableClient table)
        : this(districtId, () => Task.FromResult(table))
    {
    }

    public bool HasChanges => _dirty.Count > 0 || _households.HasChanges || _volunteers.HasChanges || _activity.HasChanges;

    /// <summary>Rows this store keeps for <paramref name="kind"/> in storage: buckets for the bulk kinds, else one per id.</summary>
    public static bool IsBucketed(DistrictRowKind kind) => kind is DistrictRowKind.Household or DistrictRowKind.Volunteer or DistrictRowKind.Activity;

    public void Put<T>(DistrictRowKind kind, string id, T value, string? tag = null)
        where T : notnull
    {
        if (Bulk(kind) is { } bulk)
        {
            bulk.Put(id, value);
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
        if (Bulk(kind) is { } bulk)
        {
            bulk.Remove(id);
            return;
        }

        _dirty[Kinds[kind].Prefix + AzureTableKeys.Escape(id)] = null;
    }

    public Task<IReadOnlyList<DistrictRow>> LoadAsync(CancellationToken cancellationToken) =>
        LoadAsync(TableClient.CreateQueryFilter($"PartitionKey eq {_partition} and (RowKey lt {VolunteersFrom} or RowKey ge {VolunteersTo})"), cancellationToken);

    public Task<IReadOnlyList<DistrictRow>> LoadVolunteersAsync(CancellationToken cancellationToken) =>
        LoadAsync(TableClient.CreateQueryFilter($"PartitionKey eq {_partition} and RowKey ge {VolunteersFrom} and RowKey lt {VolunteersTo}"), cancellationToken);

    private async Task<IReadOnlyList<DistrictRow>> LoadAsync(string filter, CancellationToken cancellationToken)
    {
        var client = await table();
        var rows = new List<DistrictRow>();
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var key = entity.RowKey;
            if (key.StartsWith(SingleHousehold, StringComparison.Ordinal) || key.StartsWith(SingleVolunteer, StringComparison.Ordinal))
            {
                // The earlier layout: into its bucket, and the single row goes with the next flush.
                var kind = key[0] == 'h' ? DistrictRowKind.Household : DistrictRowKind.Volunteer;
                var value = JsonSerializer.Deserialize(ReadJson(entity), Kinds[kind].Type, Json)!;
                var id = value is HouseholdSummary h ? h.HouseholdId : ((VolunteerSummary)value).VolunteerId;
                Bulk(kind)!.Put(id, value);
                _dirty[key] = null;
                rows.Add(new DistrictRow(kind, id, value, null));
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

    public async Task FlushAsync()
    {
        var taken = _dirty;
        _dirty = new Dictionary<string, TableEntity?>(StringComparer.Ordinal);
        var households = _households.TakeDirty();
        var volunteers = _volunteers.TakeDirty();
        var activity = _activity.TakeDirty();
        try
        {
            foreach (var bucket in households)
            {
                var row = BucketRow(_households, bucket);
                taken[row.RowKey] = row;
            }

            foreach (var bucket in volunteers)
            {
                var row = BucketRow(_volunteers, bucket);
                taken[row.RowKey] = row;
            }

            foreach (var bucket in activity)
            {
                var row = BucketRow(_activity, bucket);
                taken[row.RowKey] = row;
            }

            var client = await table();
            await Task.WhenAll(Transactions(taken).Select(chunk => SubmitAsync(client, chunk)));
        }
        catch
        {
            foreach (var (key, row) in taken)
            {
                if (!key.StartsWith(Kinds[DistrictRowKind.Household].Prefix, StringComparison.Ordinal)
                    && !key.StartsWith(Kinds[DistrictRowKind.Volunteer].Prefix, StringComparison.Ordinal)
                    && !key.StartsWith(Kinds[DistrictRowKind.Activity].Prefix, StringComparison.Ordinal))
                {
                    _dirty.TryAdd(key, row);
                }
            }

            // A bucket is written whole from memory, so one that failed is simply written again.
            _households.MarkDirty(households);
            _volunteers.MarkDirty(volunteers);
            _activity.MarkDirty(activity);
            throw;
        }
    }

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

    private IEnumerable<TableTransactionAction[]> Transactions(Dictionary<string, TableEntity?> rows)
    {
        var chunk = new List<TableTransactionAction>();
        var chars = 0;
        foreach (var (key, row) in rows)
        {
            var size = row is null ? 0 : JsonLength(row);
            if (chunk.Count == TransactionActions || (chunk.Count > 0 && chars + size > TransactionChars))
            {
                yield return [.. chunk];
                chunk.Clear();
                chars = 0;
            }

            chunk.Add(row is not null
                ? new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)
                : new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(_partition, key), ETag.All));
            chars += size;
        }

        if (chunk.Count > 0)
        {
            yield return [.. chunk];
        }
    }

    /// <summary>The JSON text, split over <c>Json</c>, <c>Json1</c>, <c>Json2</c>, … when longer than one property may hold.</summary>
    private static void WriteJson(TableEntity row, string json)
    {
        row["Json"] = json.Length <= PropertyChars ? json : json[..PropertyChars];
        for (int part = 1, start = PropertyChars; start < json.Length; part++, start += PropertyChars)
        {
            row["Json" + part.ToString(CultureInfo.InvariantCulture)] = json.Substring(start, Math.Min(PropertyChars, json.Length - start));
        }
    }

    private static string ReadJson(TableEntity row)
    {
        var first = row.GetString("Json");
        if (!row.ContainsKey("Json1"))
        {
            return first;
        }

        var text = new StringBuilder(first);
        for (var part = 1; row.GetString("Json" + part.ToString(CultureInfo.InvariantCulture)) is { } next; part++)
        {
            text.Append(next);
        }

        return text.ToString();
    }

    private static int JsonLength(TableEntity row) => row.Select(p => p.Value).OfType<string>().Sum(s => s.Length);

    /// <summary>
    /// One transaction. A delete of a row that is not there (put and deleted before a flush, or deleted twice) fails
    /// the whole transaction with 404; then the upserts go again on their own and the deletes one by one.
    /// </summary>
    private async Task SubmitAsync(TableClient client, TableTransactionAction[] chunk)
    {
        try
        {
            await client.SubmitTransactionAsync(chunk);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && chunk.Any(a => a.ActionType == TableTransactionActionType.Delete))
        {
            var upserts = chunk.Where(a => a.ActionType != TableTransactionActionType.Delete).ToList();
            if (upserts.Count > 0)
            {
                await client.SubmitTransactionAsync(upserts);
            }

            await Task.WhenAll(chunk.Where(a => a.ActionType == TableTransactionActionType.Delete).Select(a => DeleteAsync(client, a.Entity.RowKey)));
        }
    }

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
            foreach (var (id, element) in JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json, Json)!)
            {
                var value = element.Deserialize(Kinds[kind].Type, Json)!;
                members[id] = value;
                yield return new(id, value);
            }
        }

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
        private int BucketOf(string id)
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
    public IDistrictStore Create(string districtId) => new TableDistrictStore(districtId, () => tables.Districts);
}
