using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Live;

/// <summary>
/// The hub's lifetime manager: SignalR's own, except that a message to a group is handed to each of its connections'
/// outboxes and the send returns at once. SignalR's group send waits for every connection's write, and a write waits
/// while that connection's buffers are full (a phone gone into a tunnel, a client stuck in its handler): behind one
/// such connection the host's one loop of live events (<see cref="DashboardHostObserver"/>) held every other
/// connection's events too (dotnet/aspnetcore#20282), until Kestrel closed the slow one for reading below its minimum
/// data rate (240 bytes a second after a 5 s grace) or SignalR for its client timeout (30 s without a ping). Here each
/// connection waits alone; a connection that falls <see cref="LiveOptions.WatcherBacklog"/> messages behind is closed
/// as well, and its client reconnects and reloads what it shows, as after any dropped connection.
/// </summary>
public sealed partial class WatcherOutboxes<THub> : DefaultHubLifetimeManager<THub>
    where THub : Hub
{
    private readonly ConcurrentDictionary<string, Outbox> _outboxes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Outbox>> _groups = new(StringComparer.Ordinal);
    // Joining and leaving are rare (a connection, a watch); sends read the sets without it.
    private readonly Lock _membership = new();
    private readonly int _backlog;
    private readonly ILogger<WatcherOutboxes<THub>> _logger;

    public WatcherOutboxes(ILogger<DefaultHubLifetimeManager<THub>> baseLogger, ILogger<WatcherOutboxes<THub>> logger, IOptions<LiveOptions> options)
        : base(baseLogger)
    {
        _logger = logger;
        _backlog = options.Value.WatcherBacklog;
    }

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await base.OnConnectedAsync(connection);
        _outboxes[connection.ConnectionId] = new Outbox(connection, _backlog, this);
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (_outboxes.TryRemove(connection.ConnectionId, out var outbox))
        {
            foreach (var group in outbox.Close())
            {
                Leave(group, connection.ConnectionId);
            }
        }

        await base.OnDisconnectedAsync(connection);
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        await base.AddToGroupAsync(connectionId, groupName, cancellationToken);
        if (_outboxes.TryGetValue(connectionId, out var outbox) && outbox.Join(groupName))
        {
            lock (_membership)
            {
                _groups.GetOrAdd(groupName, _ => new(StringComparer.Ordinal))[connectionId] = outbox;
            }

            if (outbox.IsClosed)
            {
                // Disconnected meanwhile, after it said which groups to leave.
                Leave(groupName, connectionId);
            }
        }
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (_outboxes.TryGetValue(connectionId, out var outbox) && outbox.Leave(groupName))
        {
            Leave(groupName, connectionId);
        }

        await base.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        if (_groups.TryGetValue(groupName, out var members) && !members.IsEmpty)
        {
            var message = new SerializedHubMessage(new InvocationMessage(methodName, args));
            // Enumerating the set itself takes no lock and copies nothing (its Values would do both).
            foreach (var (_, outbox) in members)
            {
                outbox.Post(message);
            }
        }

        return Task.CompletedTask;
    }

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        SerializedHubMessage? message = null;
        HashSet<Outbox>? sent = groupNames.Count > 1 ? [] : null;
        foreach (var groupName in groupNames)
        {
            if (!_groups.TryGetValue(groupName, out var members))
            {
                continue;
            }

            foreach (var (_, outbox) in members)
            {
                // A connection in two of the groups gets the message once.
                if (sent is null || sent.Add(outbox))
                {
                    outbox.Post(message ??= new SerializedHubMessage(new InvocationMessage(methodName, args)));
                }
            }
        }

        return Task.CompletedTask;
    }

    private void Leave(string groupName, string connectionId)
    {
        lock (_membership)
        {
            if (_groups.TryGetValue(groupName, out var members) && members.TryRemove(connectionId, out _) && members.IsEmpty)
            {
                _groups.TryRemove(groupName, out _);
            }
        }
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Hub connection {ConnectionId} fell {Backlog} live events behind and is closed; its client reconnects and reloads.")]
    private static partial void LogFellBehind(ILogger logger, string connectionId, int backlog);

    /// <summary>
    /// One connection's messages in the order they were sent. The caller writes at once while nothing is waiting (no
    /// extra hop for a connection that keeps up); a write that waits hands the rest to the queue, drained after it.
    /// </summary>
    private sealed class Outbox(HubConnectionContext connection, int backlog, WatcherOutboxes<THub> owner)
    {
        private readonly Lock _gate = new();
        private readonly Queue<SerializedHubMessage> _queue = new();
        private readonly HashSet<string> _groups = new(StringComparer.Ordinal);
        private bool _writing;
        private bool _closed;

        public bool IsClosed
        {
            get
            {
                lock (_gate)
                {
                    return _closed;
                }
            }
        }

        /// <summary>Notes a group it joined; false if it was in it already or has closed.</summary>
        public bool Join(string groupName)
        {
            lock (_gate)
            {
                return !_closed && _groups.Add(groupName);
            }
        }

        public bool Leave(string groupName)
        {
            lock (_gate)
            {
                return _groups.Remove(groupName);
            }
        }

        public void Post(SerializedHubMessage message)
        {
            bool fellBehind;
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                if (!_writing)
                {
                    _writing = true;
                    fellBehind = false;
                }
                else if (_queue.Count < backlog)
                {
                    _queue.Enqueue(message);
                    return;
                }
                else
                {
                    _closed = true;
                    _queue.Clear();
                    fellBehind = true;
                }
            }

            if (fellBehind)
            {
                LogFellBehind(owner._logger, connection.ConnectionId, backlog);
                connection.Abort();
                return;
            }

            Write(message);
        }

        /// <summary>Stops its writes and says which groups it was in.</summary>
        public string[] Close()
        {
            lock (_gate)
            {
                _closed = true;
                _queue.Clear();
                return [.. _groups];
            }
        }

        private void Write(SerializedHubMessage message)
        {
            while (true)
            {
                // SignalR's write never throws: a failed write closes the connection and completes.
                var write = connection.WriteAsync(message);
                if (!write.IsCompletedSuccessfully)
                {
                    _ = WriteOnAsync(write);
                    return;
                }

                if (!TryTakeNext(out message))
                {
                    return;
                }
            }
        }

        private async Task WriteOnAsync(ValueTask write)
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // SignalR's write reports failure by closing the connection, not by throwing; should one throw, the
                // connection is closed all the same, so that it cannot keep a backlog that is never written.
                Close();
                connection.Abort();
                return;
            }

            if (TryTakeNext(out var next))
            {
                Write(next);
            }
        }

        private bool TryTakeNext(out SerializedHubMessage message)
        {
            lock (_gate)
            {
                if (!_closed && _queue.TryDequeue(out message!))
                {
                    return true;
                }

                _writing = false;
                message = null!;
                return false;
            }
        }
    }
}
