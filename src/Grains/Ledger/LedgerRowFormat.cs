using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Ledger;

/// <summary>
/// How ledger events sit in table properties, within Azure Tables' limits: a string property holds at most 64 KiB of
/// UTF-16 (32,768 characters), an entity at most 1 MiB, an entity-group transaction at most 100 entities and a 4 MiB
/// request. A JSON text longer than a property goes on in further properties (<see cref="TableText"/>, for the log row
/// of an append and an event's <c>v|</c> and <c>w|</c> rows alike), and an append takes no more events than its log
/// row and its request can carry (<see cref="AppendSize"/>).
/// </summary>
internal static class LedgerRowFormat
{
    /// <summary>The log row's JSON in UTF-16 bytes: the entity's 1 MiB less ample room for its keys and other properties.</summary>
    internal const long MaxLogRowJsonBytes = 1_000_000;

    /// <summary>An append's request body: the transaction's 4 MiB.</summary>
    internal const long MaxTransactionBytes = 4 * 1024 * 1024;

    /// <summary>
    /// What an entity adds to the request besides its event JSON: the change set part's headers and URL, the keys and the
    /// few other properties (a few hundred bytes in fact).
    /// </summary>
    internal const long EntityOverheadBytes = 2048;

    // Relaxed: the text is a table property, never HTML, so CJK notes are one character each instead of six (\uXXXX).
    // An event is stored three times (its append's log row, its v| and w| rows), so what reading gives back anyway is
    // left out: null properties (a missing one reads as null) and the record's computed ones (Key, Finished), which
    // reading never set. Rows written with them still read.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { StoredOnly } },
    };

    /// <summary>
    /// Leaves out the properties a type only computes (no setter, no constructor parameter): reading them back would set
    /// nothing.
    /// </summary>
    private static void StoredOnly(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            if (type.Properties[i] is { Set: null, AssociatedParameter: null })
            {
                type.Properties.RemoveAt(i);
            }
        }
    }

    internal static string Serialize(LedgerEvent e) => JsonSerializer.Serialize(e, Json);

    /// <summary>The events of one append as one JSON array, from their texts (<see cref="Serialize"/>), copied once.</summary>
    internal static string Array(IReadOnlyList<string> events)
    {
        var length = 2 + Math.Max(0, events.Count - 1);
        foreach (var e in events)
        {
            length += e.Length;
        }

        return string.Create(length, events, static (span, texts) =>
        {
            span[0] = '[';
            var at = 1;
            for (var i = 0; i < texts.Count; i++)
            {
                if (i > 0)
                {
                    span[at++] = ',';
                }

                texts[i].AsSpan().CopyTo(span[at..]);
                at += texts[i].Length;
            }

            span[at] = ']';
        });
    }

    internal static LedgerEvent ReadEvent(string json) => JsonSerializer.Deserialize<LedgerEvent>(json, Json)!;

    internal static List<LedgerEvent> ReadEvents(string json) => JsonSerializer.Deserialize<List<LedgerEvent>>(json, Json)!;

    /// <summary>
    /// The bytes a JSON text takes inside the request's JSON body, as the Azure SDK writes it (System.Text.Json's default
    /// escaping: quotes and backslashes doubled; control, HTML-sensitive and non-ASCII characters as <c>\uXXXX</c>).
    /// </summary>
    internal static long BodyBytes(string text)
    {
        long bytes = 0;
        foreach (var c in text)
        {
            bytes += c switch
            {
                '"' or '\\' => 2,
                '<' or '>' or '&' or '\'' or '+' or '`' => 6,
                >= ' ' and <= '~' => 1,
                _ => 6,
            };
        }

        return bytes;
    }

}

/// <summary>
/// The size of an append as storage counts it: its log row's JSON (UTF-16) and its request body (each event's JSON
/// three times: in the log row, its <c>v|</c> row and its <c>w|</c> row; an audit entry's few ids, in the append's audit
/// row, are within the overhead counted for each event).
/// </summary>
internal readonly record struct AppendSize(int Events, long LogRowJsonBytes, long RequestBytes)
{
    /// <summary>No events: the brackets of the log row's array, the log row's and the cursor row's overhead.</summary>
    public static AppendSize Empty { get; } = new(0, 2 * 2, 2 * LedgerRowFormat.EntityOverheadBytes);

    public bool Fits =>
        Events <= AzureTableVisitLog.MaxEventsPerAppend
        && LogRowJsonBytes <= LedgerRowFormat.MaxLogRowJsonBytes
        && RequestBytes <= LedgerRowFormat.MaxTransactionBytes;

    /// <summary>This append with one more event, given as its JSON text.</summary>
    public AppendSize With(string json) => new(
        Events + 1,
        LogRowJsonBytes + (2L * (json.Length + 1)),
        RequestBytes + (3 * LedgerRowFormat.BodyBytes(json)) + (AzureTableVisitLog.RowsPerEvent * LedgerRowFormat.EntityOverheadBytes));
}
