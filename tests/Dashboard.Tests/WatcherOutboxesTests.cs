using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Boai.Orleans.Dashboard.Live;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>
/// The hub's lifetime manager on SignalR's own connection objects over in-memory pipes: a connection whose client
/// stops reading fills its pipe (a tiny one here, a socket's buffers in life) and then waits in every write.
/// </summary>
public sealed class WatcherOutboxesTests
{
    private const string Group = "district:xiaolan";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_connection_that_stops_reading_holds_up_no_other_and_is_closed_once_it_falls_too_far_behind()
    {
        var outboxes = Outboxes(backlog: 50);
        await using var stalled = await Client.ConnectAsync(outboxes, Group);
        await using var healthy = await Client.ConnectAsync(outboxes, Group);
        stalled.StopReading();

        for (var i = 0; i < 200; i++)
        {
            // With SignalR's own manager this send stops returning once the stalled connection's pipe is full.
            await outboxes.SendGroupAsync(Group, "visitCheckedIn", [i]).WaitAsync(Wait);
            await healthy.ReceivedAsync(i + 1);
        }

        Assert.Equal(Enumerable.Range(0, 200), healthy.ReceivedSoFar);
        await stalled.Aborted.WaitAsync(Wait);
        Assert.False(healthy.Connection.ConnectionAborted.IsCancellationRequested);
    }

    [Fact]
    public async Task A_slow_reader_gets_every_message_in_the_order_sent()
    {
        var outboxes = Outboxes(backlog: 10_000);
        await using var slow = await Client.ConnectAsync(outboxes, Group, readDelay: TimeSpan.FromMilliseconds(1));
        var sends = Enumerable.Range(0, 2_000).Select(i => outboxes.SendGroupAsync(Group, "visitCheckedIn", [i]));
        await Task.WhenAll(sends).WaitAsync(Wait);

        Assert.Equal(Enumerable.Range(0, 2_000), await slow.ReceivedAsync(2_000));
        Assert.False(slow.Connection.ConnectionAborted.IsCancellationRequested);
    }

    [Fact]
    public async Task A_message_to_several_groups_reaches_a_connection_in_two_of_them_once_and_none_that_left()
    {
        var outboxes = Outboxes(backlog: 100);
        await using var both = await Client.ConnectAsync(outboxes, "volunteer:v1", Group);
        await using var left = await Client.ConnectAsync(outboxes, Group);
        await using var other = await Client.ConnectAsync(outboxes, "district:other");
        await outboxes.RemoveFromGroupAsync(left.Connection.ConnectionId, Group);

        await outboxes.SendGroupsAsync(["volunteer:v1", Group], "orderOffered", [1]);
        await outboxes.SendGroupAsync("district:other", "visitCheckedIn", [2]);
        await outboxes.SendGroupAsync(Group, "visitCheckedIn", [3]);

        Assert.Equal([1, 3], await both.ReceivedAsync(2));
        Assert.Equal([2], await other.ReceivedAsync(1));
        Assert.Empty(left.ReceivedSoFar);
    }

    [Fact]
    public async Task A_disconnected_connection_leaves_its_groups()
    {
        var outboxes = Outboxes(backlog: 100);
        var gone = await Client.ConnectAsync(outboxes, Group);
        await using var stays = await Client.ConnectAsync(outboxes, Group);
        await outboxes.OnDisconnectedAsync(gone.Connection);
        await gone.DisposeAsync();

        await outboxes.SendGroupAsync(Group, "visitCheckedIn", [7]);

        Assert.Equal([7], await stays.ReceivedAsync(1));
        Assert.Empty(gone.ReceivedSoFar);
    }

    private static WatcherOutboxes<DashboardHub> Outboxes(int backlog) =>
        new(NullLogger<DefaultHubLifetimeManager<DashboardHub>>.Instance, NullLogger<WatcherOutboxes<DashboardHub>>.Instance,
            Options.Create(new LiveOptions { WatcherBacklog = backlog }));

    /// <summary>One hub connection as SignalR's server sees it, its client's end reading the JSON protocol's records.</summary>
    private sealed class Client : IAsyncDisposable
    {
        private readonly Pipe _toClient = new(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false));
        private readonly Pipe _fromClient = new();
        private readonly List<int> _received = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly TimeSpan _readDelay;
        private Task _reading = Task.CompletedTask;
        private TaskCompletionSource _more = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Client(TimeSpan readDelay)
        {
            _readDelay = readDelay;
            var context = new DefaultConnectionContext(Guid.NewGuid().ToString("N"), new Duplex(_fromClient.Reader, _toClient.Writer), new Duplex(_toClient.Reader, _fromClient.Writer));
            Connection = new HubConnectionContext(context, new HubConnectionContextOptions { KeepAliveInterval = TimeSpan.FromMinutes(5), ClientTimeoutInterval = TimeSpan.FromMinutes(5) }, NullLoggerFactory.Instance)
            {
                Protocol = new JsonHubProtocol(),
            };
        }

        public HubConnectionContext Connection { get; }

        public Task Aborted
        {
            get
            {
                var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Connection.ConnectionAborted.Register(() => aborted.TrySetResult());
                return aborted.Task;
            }
        }

        public IReadOnlyList<int> ReceivedSoFar
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        public static async Task<Client> ConnectAsync(HubLifetimeManager<DashboardHub> manager, params string[] groups) =>
            await ConnectAsync(manager, groups, TimeSpan.Zero);

        public static async Task<Client> ConnectAsync(HubLifetimeManager<DashboardHub> manager, string group, TimeSpan readDelay) =>
            await ConnectAsync(manager, [group], readDelay);

        public void StopReading() => _stop.Cancel();

        public async Task<IReadOnlyList<int>> ReceivedAsync(int count)
        {
            while (true)
            {
                Task more;
                lock (_received)
                {
                    if (_received.Count >= count)
                    {
                        return [.. _received];
                    }

                    more = _more.Task;
                }

                await more.WaitAsync(Wait);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _reading;
            _stop.Dispose();
        }

        private static async Task<Client> ConnectAsync(HubLifetimeManager<DashboardHub> manager, string[] groups, TimeSpan readDelay)
        {
            var client = new Client(readDelay);
            await manager.OnConnectedAsync(client.Connection);
            foreach (var group in groups)
            {
                await manager.AddToGroupAsync(client.Connection.ConnectionId, group);
            }

            client._reading = Task.Run(client.ReadAsync);
            return client;
        }

        private async Task ReadAsync()
        {
            var reader = _toClient.Reader;
            try
            {
                while (true)
                {
                    var result = await reader.ReadAsync(_stop.Token);
                    var buffer = result.Buffer;
                    while (buffer.PositionOf((byte)0x1e) is { } end)
                    {
                        Note(buffer.Slice(0, end));
                        buffer = buffer.Slice(buffer.GetPosition(1, end));
                        if (_readDelay > TimeSpan.Zero)
                        {
                            await Task.Delay(_readDelay, _stop.Token);
                        }
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped reading, or done.
            }
        }

        private void Note(ReadOnlySequence<byte> record)
        {
            using var json = JsonDocument.Parse(record.ToArray());
            var value = json.RootElement.GetProperty("arguments")[0].GetInt32();
            lock (_received)
            {
                _received.Add(value);
                _more.TrySetResult();
                _more = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
