using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>
/// One dashboard watching every district: notes when each visit's <c>visitCheckedIn</c> and <c>visitCheckedOut</c>
/// arrive, for the phase's own visits: ids <paramref name="visitPrefix"/> followed by a number below
/// <paramref name="visits"/>. Receipts go into two arrays made once, indexed by that number: noting an event allocates
/// nothing, so the load client's own collections (which pause its receipt of events and its check-ins alike, and would
/// be counted as the service's latency) stay rare and short (docs/BENCHMARKS.md, ninth round).
/// </summary>
public abstract class HubWatcher(string visitPrefix, int visits) : IAsyncDisposable
{
    private readonly long[] _checkedIn = new long[visits];
    private readonly long[] _checkedOut = new long[visits];
    private long _duplicates;

    /// <summary>The visit-id prefix, as UTF-8, for reading ids without making strings of them.</summary>
    protected byte[] VisitPrefixUtf8 { get; } = Encoding.UTF8.GetBytes(visitPrefix);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>When visit <paramref name="visit"/>'s <c>visitCheckedIn</c> arrived (a <see cref="Stopwatch"/> timestamp).</summary>
    public bool TryGetCheckedIn(int visit, out long receivedAt)
    {
        receivedAt = Volatile.Read(ref _checkedIn[visit]);
        return receivedAt != 0;
    }

    public bool HasCheckedOut(int visit) => Volatile.Read(ref _checkedOut[visit]) != 0;

    public bool HasBoth(int visit) => TryGetCheckedIn(visit, out _) && HasCheckedOut(visit);

    /// <summary>The visits whose <c>visitCheckedIn</c> (or, with false, <c>visitCheckedOut</c>) arrived, in order.</summary>
    public IEnumerable<int> Received(bool checkedIn)
    {
        var times = checkedIn ? _checkedIn : _checkedOut;
        for (var i = 0; i < times.Length; i++)
        {
            if (Volatile.Read(ref times[i]) != 0)
            {
                yield return i;
            }
        }
    }

    /// <summary>
    /// Connects and calls <c>WatchAll</c>. <paramref name="typedClient"/>: the SignalR .NET client
    /// (<see cref="HubConnection"/>, every event bound to a <see cref="JsonElement"/>); otherwise
    /// <see cref="WebSocketWatcher"/>, the same JSON hub protocol read with a forward-only reader.
    /// </summary>
    public static async Task<HubWatcher> StartAsync(Uri hub, string token, string visitPrefix, int visits, bool typedClient) =>
        typedClient
            ? await TypedClientWatcher.StartAsync(hub, token, visitPrefix, visits)
            : await WebSocketWatcher.ConnectAsync(hub, token, visitPrefix, visits);

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// The number after <paramref name="prefix"/> in a visit id given as UTF-8 (<c>bd-17</c> → 17), or -1 when the id is
    /// another phase's or not a number.
    /// </summary>
    public static int VisitNumber(ReadOnlySpan<byte> visitId, ReadOnlySpan<byte> prefix) =>
        visitId.StartsWith(prefix)
        && Utf8Parser.TryParse(visitId[prefix.Length..], out int number, out var used)
        && used == visitId.Length - prefix.Length
        && number >= 0
            ? number
            : -1;

    /// <summary>Records visit <paramref name="visit"/>'s event received at <paramref name="receivedAt"/>; other phases' visits (-1 or beyond the count) are ignored.</summary>
    protected void Note(bool checkedIn, int visit, long receivedAt)
    {
        var times = checkedIn ? _checkedIn : _checkedOut;
        if ((uint)visit < (uint)times.Length && Interlocked.CompareExchange(ref times[visit], receivedAt, 0) != 0)
        {
            Interlocked.Increment(ref _duplicates);
        }
    }

    private sealed class TypedClientWatcher(HubConnection connection, string visitPrefix, int visits) : HubWatcher(visitPrefix, visits)
    {
        public static async Task<HubWatcher> StartAsync(Uri hub, string token, string visitPrefix, int visits)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(hub, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            var watcher = new TypedClientWatcher(connection, visitPrefix, visits);
            connection.On<JsonElement>("visitCheckedIn", e => watcher.Noted(checkedIn: true, e));
            connection.On<JsonElement>("visitCheckedOut", e => watcher.Noted(checkedIn: false, e));
            await connection.StartAsync();
            await connection.InvokeAsync<IReadOnlyList<string>>("WatchAll");
            return watcher;
        }

        public override ValueTask DisposeAsync() => connection.DisposeAsync();

        private void Noted(bool checkedIn, JsonElement evt)
        {
            var now = Stopwatch.GetTimestamp();
            if (evt.TryGetProperty("visitId", out var id) && id.GetString() is { } visitId)
            {
                Note(checkedIn, VisitNumber(Encoding.UTF8.GetBytes(visitId), VisitPrefixUtf8), now);
            }
        }
    }
}

/// <summary>
/// A dashboard the way a browser's is: one WebSocket speaking SignalR's JSON hub protocol (records ending in 0x1E;
/// handshake, <c>WatchAll</c>, a ping every 10 s). Each record is read forward only for its target and its first
/// argument's <c>visitId</c>, so the load client's own CPU per event stays small beside the service's: the typed .NET
/// client's binding of every event took over half a core at 50 watchers on this 2-core machine (docs/BENCHMARKS.md).
/// Receipt time is taken when the WebSocket message arrives, before it is parsed.
/// </summary>
public sealed class WebSocketWatcher : HubWatcher
{
    private const byte RecordSeparator = 0x1E;
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
    private static readonly byte[] WatchAll = Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":\"1\",\"target\":\"WatchAll\",\"arguments\":[]}\u001e");

    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _watching = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _send = new(1, 1);
    private Task _receiving = Task.CompletedTask;
    private Task _pinging = Task.CompletedTask;

    private WebSocketWatcher(ClientWebSocket socket, string visitPrefix, int visits)
        : base(visitPrefix, visits)
    {
        _socket = socket;
    }

    public static async Task<HubWatcher> ConnectAsync(Uri hub, string token, string visitPrefix, int visits)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        var ws = new UriBuilder(hub) { Scheme = hub.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        await socket.ConnectAsync(ws, CancellationToken.None);
        var watcher = new WebSocketWatcher(socket, visitPrefix, visits);
        watcher._receiving = watcher.ReceiveAsync();
        await watcher.SendAsync(Handshake);
        await watcher._handshake.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await watcher.SendAsync(WatchAll);
        await watcher._watching.Task.WaitAsync(TimeSpan.FromSeconds(30));
        watcher._pinging = watcher.PingAsync();
        return watcher;
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Cancelling the pending receive aborts the socket; the close then finds it aborted (an OperationCanceledException
            // wrapping ObjectDisposedException) or the server gone. The watcher is done either way.
        }

        await Task.WhenAll(_receiving, _pinging).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task SendAsync(byte[] record)
    {
        await _send.WaitAsync();
        try
        {
            await _socket.SendAsync(record, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task PingAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), _stop.Token);
                await SendAsync(Ping);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new RecordBuffer();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.Free, _stop.Token);
                var receivedAt = Stopwatch.GetTimestamp();
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                buffer.Received(result.Count, record => Record(record, receivedAt));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _handshake.TrySetException(new InvalidOperationException("the hub closed the connection"));
            _watching.TrySetException(new InvalidOperationException("the hub closed the connection"));
        }
    }

    /// <summary>What this client reads of one hub record.</summary>
    /// <param name="Type">The record's <c>type</c> (1 invocation, 3 completion, 6 ping, 7 close).</param>
    /// <param name="CheckedIn">An invocation of <c>visitCheckedIn</c> (true) or <c>visitCheckedOut</c> (false); null for any other target.</param>
    /// <param name="Visit">Its first argument's <c>visitId</c> as <see cref="HubWatcher.VisitNumber"/> reads it (-1: another phase's visit).</param>
    /// <param name="Error">A completion's or close's <c>error</c>.</param>
    public readonly record struct HubRecord(int? Type, bool? CheckedIn, int? Visit, string? Error);

    public delegate void RecordHandler(ReadOnlySpan<byte> record);

    /// <summary>
    /// What has arrived of the hub's records: a record may end in a later WebSocket message than it began, and one message
    /// may hold several.
    /// </summary>
    public sealed class RecordBuffer
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

        /// <summary>Where the next receive writes.</summary>
        public Memory<byte> Free => _buffer.GetMemory(16 * 1024);

        /// <summary>Takes <paramref name="count"/> bytes written to <see cref="Free"/>; hands every record they finish to <paramref name="each"/>.</summary>
        public void Received(int count, RecordHandler each)
        {
            _buffer.Advance(count);
            var consumed = Split(_buffer.WrittenSpan, each);
            if (consumed > 0)
            {
                // Keep an unfinished record's start for the next message.
                var rest = _buffer.WrittenSpan[consumed..].ToArray();
                _buffer.ResetWrittenCount();
                _buffer.Write(rest);
            }
        }
    }

    /// <summary>Hands every whole record in <paramref name="data"/> (each ends in 0x1E) to <paramref name="each"/>; returns the bytes they took.</summary>
    public static int Split(ReadOnlySpan<byte> data, RecordHandler each)
    {
        var consumed = 0;
        while (data[consumed..].IndexOf(RecordSeparator) is var end and >= 0)
        {
            each(data.Slice(consumed, end));
            consumed += end + 1;
        }

        return consumed;
    }

    /// <summary>
    /// Reads one record (without its separator) forward only, stopping once it knows what this client needs; a visit id is
    /// read in place, under <paramref name="visitPrefix"/> (UTF-8), without making a string of it.
    /// </summary>
    public static HubRecord Parse(ReadOnlySpan<byte> json, ReadOnlySpan<byte> visitPrefix)
    {
        var reader = new Utf8JsonReader(json);
        int? type = null;
        bool? checkedIn = null;
        int? visit = null;
        string? error = null;
        var inArguments = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.GetInt32();
                }
                else if (reader.ValueTextEquals("target"u8))
                {
                    reader.Read();
                    checkedIn = reader.ValueTextEquals("visitCheckedIn"u8) ? true : reader.ValueTextEquals("visitCheckedOut"u8) ? false : null;
                    if (checkedIn is null)
                    {
                        return new HubRecord(type, null, null, null);
                    }
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    error = reader.GetString();
                }
                else if (reader.ValueTextEquals("arguments"u8))
                {
                    inArguments = true;
                }
                else
                {
                    reader.Read();
                    reader.TrySkip();
                }
            }
            else if (inArguments && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 3 && reader.ValueTextEquals("visitId"u8))
            {
                reader.Read();
                visit = reader.TokenType != JsonTokenType.String ? -1
                    : reader.ValueIsEscaped ? VisitNumber(Encoding.UTF8.GetBytes(reader.GetString()!), visitPrefix)
                    : VisitNumber(reader.ValueSpan, visitPrefix);
                if (type is not null)
                {
                    break;
                }
            }
        }

        return new HubRecord(type, checkedIn, visit, error);
    }

    private void Record(ReadOnlySpan<byte> json, long receivedAt)
    {
        if (!_handshake.Task.IsCompleted)
        {
            // The handshake's answer is {} or {"error":"..."}.
            if (json.IndexOf("\"error\""u8) >= 0)
            {
                _handshake.TrySetException(new InvalidOperationException("hub handshake refused: " + Encoding.UTF8.GetString(json)));
            }
            else
            {
                _handshake.TrySetResult();
            }

            return;
        }

        var record = Parse(json, VisitPrefixUtf8);
        switch (record.Type)
        {
            case 3 when record.Error is null:
                // The completion of WatchAll (the only invocation this client makes).
                _watching.TrySetResult();
                break;
            case 3 or 7:
                _watching.TrySetException(new InvalidOperationException("WatchAll failed or the hub closed the connection: " + record.Error));
                break;
            case 1 when record is { CheckedIn: { } step, Visit: { } visit }:
                Note(step, visit, receivedAt);
                break;
        }
    }
}
