using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Azure.Data.Tables;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>
/// The table entity holding one grain state: readable text in <c>State</c> when the serialized state is small
/// UTF-8 text (JSON), otherwise binary chunks <c>Data0</c>, <c>Data1</c>, … An entity with neither is a
/// cleared record.
/// </summary>
internal static class GrainStateEntity
{
    public const string TextProperty = "State";
    public const string ChunkPropertyPrefix = "Data";

    /// <summary>Azure stores strings as UTF-16 and caps a string property at 64 KiB, i.e. 32 Ki characters.</summary>
    public const int MaxTextLength = 32 * 1024;

    /// <summary>Azure caps a binary property at 64 KiB.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>
    /// Azure caps an entity at 1 MiB; Azurite applies that cap to the request body, where binary travels as
    /// base64 (4/3 larger). Eleven chunks (704 KiB, about 940 KiB as base64) stay under both, keys included, so a
    /// state that works against Azurite works against Azure and the other way round.
    /// </summary>
    public const int MaxChunks = 11;

    public const int MaxStateBytes = ChunkSize * MaxChunks;

    // Control characters (bar tab and line breaks) and noncharacters are neither readable nor safe in every table
    // tool; state holding them is stored as binary.
    private static readonly SearchValues<char> ForbiddenInText = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(c => c is not ('\t' or '\n' or '\r')).Select(c => (char)c),
         .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c),
         '\uFFFE', '\uFFFF']);

    private static readonly string[] ChunkPropertyNames =
        [.. Enumerable.Range(0, MaxChunks).Select(i => ChunkPropertyPrefix + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>An entity holding <paramref name="state"/> (at most <see cref="MaxStateBytes"/>); empty state makes a cleared record.</summary>
    public static TableEntity Create(string partitionKey, string rowKey, ReadOnlyMemory<byte> state)
    {
        if (state.Length > MaxStateBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(state), state.Length, $"State larger than {MaxStateBytes} bytes does not fit in one entity.");
        }

        var entity = new TableEntity(partitionKey, rowKey);
        if (state.IsEmpty)
        {
            return entity;
        }

        if (TryGetText(state.Span, out var text))
        {
            entity[TextProperty] = text;
            return entity;
        }

        for (var (offset, i) = (0, 0); offset < state.Length; offset += ChunkSize, i++)
        {
            entity[ChunkPropertyNames[i]] = state.Slice(offset, Math.Min(ChunkSize, state.Length - offset)).ToArray();
        }

        return entity;
    }

    /// <summary>The serialized state held by <paramref name="entity"/>; empty for a cleared record.</summary>
    public static byte[] ReadState(TableEntity entity)
    {
        if (entity.TryGetValue(TextProperty, out var value) && value is string text)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var chunks = new List<byte[]>();
        foreach (var name in ChunkPropertyNames)
        {
            if (!entity.TryGetValue(name, out var chunk) || chunk is null)
            {
                break;
            }

            chunks.Add(chunk switch
            {
                byte[] bytes => bytes,
                BinaryData data => data.ToArray(),
                string base64 => Convert.FromBase64String(base64),
                _ => throw new InvalidDataException($"Property {name} of entity ({entity.PartitionKey}, {entity.RowKey}) is a {chunk.GetType().Name}, not binary."),
            });
        }

        return chunks.Count == 1 ? chunks[0] : [.. chunks.SelectMany(c => c)];
    }

    /// <summary>
    /// Text when the bytes are valid UTF-8 without control characters (other than tab and line breaks) and fit
    /// in one string property. Decoding such bytes and encoding them again gives the same bytes, so the choice
    /// never changes what the serializer reads back.
    /// </summary>
    private static bool TryGetText(ReadOnlySpan<byte> state, out string text)
    {
        text = string.Empty;
        if (state.Length > MaxTextLength * 3 || !Utf8.IsValid(state))
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(state);
        if (decoded.Length > MaxTextLength || decoded.AsSpan().ContainsAny(ForbiddenInText))
        {
            return false;
        }

        text = decoded;
        return true;
    }
}
