using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Boai.Orleans.Storage;

/// <summary>
/// Entity-group transactions (<c>$batch</c>) on the service's table account, written and read with as little as the
/// wire format needs. Azure.Data.Tables 12.13 builds a transaction's body entity by entity in growing buffers, writes
/// the whole multipart body twice (once for its length, once to send it) and parses the answer line by line into
/// strings: under load that was over half of what the silo allocated (docs/BENCHMARKS.md, "The transactions written
/// once"). Here the body is written once into a pooled buffer and sent with its length; of the answer only the status
/// lines are read, and the ETag of the one action the caller asks for. The request is the SDK's own (headers, URLs,
/// entity JSON with the same type annotations), sent through an Azure.Core pipeline with the same retry, timeout and
/// request counting as the service's table clients (<c>BoaiTableService</c>), so the two read and write the same rows.
/// </summary>
public sealed class TableTransactions : ITableTransactions
{
    /// <summary>The service version the SDK sends (Azure.Data.Tables 12.13).</summary>
    private const string ServiceVersion = "2020-12-06";

    private const string Format = "?$format=application%2Fjson%3Bodata%3Dminimalmetadata";

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Table properties are never HTML: CJK text is written as UTF-8, not six bytes of \uXXXX a character.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly byte[] StatusLine = "HTTP/1.1 "u8.ToArray();

    private readonly HttpPipeline _pipeline;
    private readonly string _endpoint;
    private readonly Uri _batch;
    private readonly string _host;

    /// <param name="serviceEndpoint">The account's table endpoint (<c>https://{account}.table.core.windows.net</c>, or Azurite's path-style URL), without a query.</param>
    /// <param name="pipeline">Authorises each attempt (a SAS or a token), retries within the service's storage budget and counts requests.</param>
    public TableTransactions(Uri serviceEndpoint, HttpPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(serviceEndpoint);
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        _endpoint = serviceEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _batch = new Uri(_endpoint + "/$batch");
        _host = "Host: " + serviceEndpoint.Host + "\r\n";
    }

    /// <summary>Transactions authorised by a SAS (renewed in place by whoever updates <paramref name="signature"/>).</summary>
    public static TableTransactions WithSignature(Uri serviceEndpoint, AzureSasCredential signature, ClientOptions options) =>
        new(serviceEndpoint, HttpPipelineBuilder.Build(options, new SignatureQuery(signature)));

    /// <summary>Transactions authorised by a token (a managed identity) for Azure Storage.</summary>
    public static TableTransactions WithToken(Uri serviceEndpoint, TokenCredential credential, ClientOptions options) =>
        new(serviceEndpoint, HttpPipelineBuilder.Build(options, new DateHeader(), new BearerTokenAuthenticationPolicy(credential, "https://storage.azure.com/.default")));

    /// <summary>
    /// Submits <paramref name="actions"/> (one partition, at most 100, as <see cref="TableClient.SubmitTransactionAsync"/>
    /// takes them) as one transaction on <paramref name="table"/>. Returns the new ETag of action
    /// <paramref name="etagOf"/> (null when not asked or the action has none, a delete). A transaction storage refused
    /// throws <see cref="TableTransactionRefusedException"/> naming the action it refused; any other failure, a
    /// <see cref="RequestFailedException"/>.
    /// </summary>
    public async Task<string?> SubmitAsync(string table, IReadOnlyList<TableTransactionAction> actions, int etagOf = -1, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count is 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(actions), actions.Count, "A transaction takes 1 to 100 actions.");
        }

        var batch = "batch_" + Guid.NewGuid().ToString("D");
        var body = new PooledBuffer(1024 + (actions.Count * 512));
        try
        {
            WriteBody(body, table, batch, actions);
            using var message = _pipeline.CreateMessage();
            var request = message.Request;
            request.Method = RequestMethod.Post;
            request.Uri.Reset(_batch);
            request.Headers.SetValue("x-ms-version", ServiceVersion);
            request.Headers.SetValue("DataServiceVersion", "3.0");
            request.Headers.SetValue("Accept", "application/json");
            request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=" + batch);
            request.Content = RequestContent.Create(body.Written);
            Telemetry.TransactionSent(actions.Count);
            await _pipeline.SendAsync(message, cancellationToken);
            var response = message.Response;
            if (response.Status != 202)
            {
                throw new RequestFailedException(response);
            }

            return ReadAnswer(response.Content.ToMemory().Span, actions.Count, etagOf);
        }
        finally
        {
            body.Dispose();
        }
    }

    /// <summary>The multipart body of one change set, as the SDK writes it.</summary>
    private void WriteBody(IBufferWriter<byte> body, string table, string batch, IReadOnlyList<TableTransactionAction> actions)
    {
        var changeset = "changeset_" + Guid.NewGuid().ToString("D");
        Text(body, "--");
        Text(body, batch);
        Text(body, "\r\nContent-Type: multipart/mixed; boundary=");
        Text(body, changeset);
        Text(body, "\r\n\r\n");
        using var json = new Utf8JsonWriter(body, JsonOptions);
        foreach (var action in actions)
        {
            var entity = action.Entity;
            Text(body, "--");
            Text(body, changeset);
            Text(body, "\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
            var (method, keyed) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST ", false),
                TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpsertMerge => ("PATCH ", true),
                TableTransactionActionType.UpdateReplace or TableTransactionActionType.UpsertReplace => ("PUT ", true),
                TableTransactionActionType.Delete => ("DELETE ", true),
                _ => throw new NotSupportedException($"Transaction action {action.ActionType}"),
            };
            Text(body, method);
            Text(body, _endpoint);
            Text(body, "/");
            Text(body, table);
            if (keyed)
            {
                Text(body, "(PartitionKey='");
                Key(body, entity.PartitionKey);
                Text(body, "',RowKey='");
                Key(body, entity.RowKey);
                Text(body, "')");
            }

            Text(body, Format);
            Text(body, " HTTP/1.1\r\n");
            Text(body, _host);
            Text(body, "x-ms-version: " + ServiceVersion + "\r\nDataServiceVersion: 3.0\r\n");
            var ifMatch = action.ActionType switch
            {
                TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpdateReplace or TableTransactionActionType.Delete =>
                    action.ETag == default ? "*" : action.ETag.ToString(),
                _ => null,
            };
            if (ifMatch is not null)
            {
                Text(body, "If-Match: ");
                Text(body, ifMatch);
                Text(body, "\r\n");
            }

            if (action.ActionType == TableTransactionActionType.Delete)
            {
                Text(body, "Accept: application/json;odata=minimalmetadata\r\n\r\n\r\n");
                continue;
            }

            Text(body, action.ActionType == TableTransactionActionType.Add
                ? "Prefer: return-no-content\r\nAccept: application/json;odata=minimalmetadata\r\nContent-Type: application/json;odata=nometadata\r\n\r\n"
                : "Accept: application/json\r\nContent-Type: application/json\r\n\r\n");
            json.Reset(body);
            WriteEntity(json, entity);
            json.Flush();
            Text(body, "\r\n");
        }

        Text(body, "--");
        Text(body, changeset);
        Text(body, "--\r\n\r\n--");
        Text(body, batch);
        Text(body, "--\r\n");
    }

    /// <summary>An entity's JSON: its keys, then its properties with the SDK's type annotations (Int64, DateTime, Guid, Binary, Double).</summary>
    private static void WriteEntity(Utf8JsonWriter json, ITableEntity entity)
    {
        json.WriteStartObject();
        json.WriteString("PartitionKey", entity.PartitionKey);
        json.WriteString("RowKey", entity.RowKey);
        if (entity is not TableEntity properties)
        {
            throw new NotSupportedException($"Transactions take {nameof(TableEntity)} rows, not {entity.GetType().Name}.");
        }

        foreach (var (name, value) in properties)
        {
            if (value is null || name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")
            {
                continue;
            }

            switch (value)
            {
                case string s:
                    json.WriteString(name, s);
                    break;
                case int i:
                    json.WriteNumber(name, i);
                    break;
                case long l:
                    json.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                    Annotate(json, name, "Edm.Int64");
                    break;
                case bool b:
                    json.WriteBoolean(name, b);
                    break;
                case double d when double.IsFinite(d):
                    json.WriteNumber(name, d);
                    Annotate(json, name, "Edm.Double");
                    break;
                case double d:
                    json.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    Annotate(json, name, "Edm.Double");
                    break;
                case DateTimeOffset at:
                    json.WriteString(name, Timestamp(at.UtcDateTime));
                    Annotate(json, name, "Edm.DateTime");
                    break;
                case DateTime at:
                    json.WriteString(name, Timestamp(at.ToUniversalTime()));
                    Annotate(json, name, "Edm.DateTime");
                    break;
                case Guid g:
                    json.WriteString(name, g);
                    Annotate(json, name, "Edm.Guid");
                    break;
                case byte[] bytes:
                    json.WriteBase64String(name, bytes);
                    Annotate(json, name, "Edm.Binary");
                    break;
                case BinaryData data:
                    json.WriteBase64String(name, data.ToMemory().Span);
                    Annotate(json, name, "Edm.Binary");
                    break;
                default:
                    throw new NotSupportedException($"Table property {name} of type {value.GetType().Name}");
            }
        }

        json.WriteEndObject();
    }

    private static void Annotate(Utf8JsonWriter json, string name, string type) => json.WriteString(name + "@odata.type", type);

    private static string Timestamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A key inside the request's URL: quotes doubled (OData), then percent-encoded.</summary>
    private static void Key(IBufferWriter<byte> body, string key) => Text(body, Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal)));

    private static void Text(IBufferWriter<byte> body, string text)
    {
        var span = body.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        body.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    /// <summary>
    /// The answer of an accepted batch: each action's status line in order, or the one refused action's. Returns the
    /// ETag of action <paramref name="etagOf"/> when every action succeeded.
    /// </summary>
    internal static string? ReadAnswer(ReadOnlySpan<byte> answer, int actions, int etagOf)
    {
        var index = 0;
        var rest = answer;
        while (NextPart(ref rest, out var status, out var headers, out var partBody))
        {
            if (status is < 200 or > 299)
            {
                throw Refused(status, headers, partBody);
            }

            if (index == etagOf)
            {
                return Header(headers, "ETag"u8);
            }

            index++;
        }

        // An accepted transaction answers every action; fewer is an answer cut short, not a success.
        return index >= actions && etagOf < 0
            ? null
            : throw new RequestFailedException(0, $"The transaction's answer held {index} of its {actions} actions' results.");
    }

    /// <summary>The next sub-response: its status, its header block and its body (up to the next boundary line).</summary>
    private static bool NextPart(ref ReadOnlySpan<byte> rest, out int status, out ReadOnlySpan<byte> headers, out ReadOnlySpan<byte> body)
    {
        status = 0;
        headers = body = default;
        var at = rest.IndexOf(StatusLine);
        if (at < 0 || rest.Length < at + StatusLine.Length + 3)
        {
            return false;
        }

        rest = rest[(at + StatusLine.Length)..];
        var code = rest[..3];
        status = ((code[0] - '0') * 100) + ((code[1] - '0') * 10) + (code[2] - '0');
        var end = rest.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            headers = rest;
            rest = default;
            return true;
        }

        headers = rest[..end];
        rest = rest[(end + 4)..];
        var boundary = rest.IndexOf("\r\n--"u8);
        body = boundary < 0 ? rest : rest[..boundary];
        return true;
    }

    /// <summary>A header's value in a sub-response's header block (names compared without case).</summary>
    private static string? Header(ReadOnlySpan<byte> headers, ReadOnlySpan<byte> name)
    {
        while (!headers.IsEmpty)
        {
            var end = headers.IndexOf("\r\n"u8);
            var line = end < 0 ? headers : headers[..end];
            headers = end < 0 ? default : headers[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon == name.Length && Ascii.EqualsIgnoreCase(line[..colon], name))
            {
                return Encoding.UTF8.GetString(line[(colon + 1)..].Trim((byte)' '));
            }
        }

        return null;
    }

    /// <summary>
    /// The refused action: the error message starts with its index ("1:The specified entity already exists."); failing
    /// that, the part's Content-ID is one more than it.
    /// </summary>
    private static TableTransactionRefusedException Refused(int status, ReadOnlySpan<byte> headers, ReadOnlySpan<byte> body)
    {
        string? code = null;
        var message = $"The transaction was refused ({status}).";
        try
        {
            using var error = JsonDocument.Parse(body.ToArray());
            if (error.RootElement.TryGetProperty("odata.error", out var odata))
            {
                code = odata.TryGetProperty("code", out var c) ? c.GetString() : null;
                if (odata.TryGetProperty("message", out var m))
                {
                    message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString() ?? message : m.ToString();
                }
            }
        }
        catch (JsonException)
        {
            // No JSON error body: the status says what there is to say.
        }

        int? index = null;
        var colon = message.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var i))
        {
            index = i;
        }
        else if (Header(headers, "Content-ID"u8) is { } id && int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var contentId))
        {
            index = contentId - 1;
        }

        return new TableTransactionRefusedException(status, code, index, message);
    }

    /// <summary>Each attempt carries the SAS as its query (its current value: a renewal replaces it in place).</summary>
    private sealed class SignatureQuery(AzureSasCredential signature) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => message.Request.Uri.Query = "?" + signature.Signature.TrimStart('?');
    }

    /// <summary>Each attempt carries its own time, as storage wants with a token.</summary>
    private sealed class DateHeader : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            message.Request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture));
    }

    /// <summary>A growable buffer of pooled arrays: the body is written into it once and sent from it.</summary>
    private sealed class PooledBuffer(int initial) : IBufferWriter<byte>, IDisposable
    {
        private byte[] _array = ArrayPool<byte>.Shared.Rent(initial);
        private int _written;

        public ReadOnlyMemory<byte> Written => _array.AsMemory(0, _written);

        public void Advance(int count) => _written += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _array.AsMemory(_written);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _array.AsSpan(_written);
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }

        private void Ensure(int sizeHint)
        {
            var needed = _written + Math.Max(sizeHint, 256);
            if (needed <= _array.Length)
            {
                return;
            }

            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
            _array.AsSpan(0, _written).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }
    }
}

/// <summary>Entity-group transactions on a table account (<see cref="TableTransactions"/>; tests put faults in between).</summary>
public interface ITableTransactions
{
    /// <summary>
    /// Submits <paramref name="actions"/> as one entity-group transaction on the table named <paramref name="table"/> and
    /// returns the new ETag of action <paramref name="etagOf"/> (null when not asked). Refused:
    /// <see cref="TableTransactionRefusedException"/>; failed otherwise: <see cref="RequestFailedException"/>.
    /// </summary>
    Task<string?> SubmitAsync(string table, IReadOnlyList<TableTransactionAction> actions, int etagOf = -1, CancellationToken cancellationToken = default);
}

/// <summary>
/// Storage refused a transaction because of one of its actions (nothing of it was written): 409 an added row exists,
/// 412 a row is not at the ETag given, 404 a row to update or delete is not there.
/// </summary>
public sealed class TableTransactionRefusedException(int status, string? errorCode, int? failedActionIndex, string message)
    : RequestFailedException(status, message, errorCode, null)
{
    /// <summary>The index of the refused action in the transaction, when storage said which.</summary>
    public int? FailedActionIndex { get; } = failedActionIndex;
}
