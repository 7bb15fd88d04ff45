using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Boai.Orleans.Persistence.AzureTable;
using Boai.Orleans.Testing;
using Orleans.Storage;

namespace Boai.Orleans.Persistence.Tests;

/// <summary>The scenarios of Orleans' persistence test kit, against a real Azurite, one partition per grain.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableGrainStorageTests(AzuriteFixture azurite) : AzureTableGrainStorageScenarios(azurite)
{
    protected override int BatchPartitions => 0;
}

/// <summary>The same scenarios with grains sharing partitions and writes group-committed in transactions.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BatchedAzureTableGrainStorageTests(AzuriteFixture azurite) : AzureTableGrainStorageScenarios(azurite)
{
    protected override int BatchPartitions => 4;
}

/// <summary>The scenarios of Orleans' persistence test kit, run by each storage layout.</summary>
public abstract class AzureTableGrainStorageScenarios(AzuriteFixture azurite)
{
    /// <summary>The layout under test (<see cref="AzureTableStorageOptions.BatchPartitions"/>).</summary>
    protected abstract int BatchPartitions { get; }

    [Fact]
    public async Task Missing_state_reads_as_a_default_without_record_or_etag()
    {
        await using var harness = await StartAsync();

        var state = await harness.ReadAsync(NewGrainId());

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Null(state.State.Text);
    }

    [Fact]
    public async Task Written_state_reads_back()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        var written = new NoteState(new Note { Text = "探访 done", Revision = 3 });

        await harness.Storage.WriteStateAsync("note", grainId, written);
        var read = await harness.ReadAsync(grainId);

        Assert.True(written.RecordExists);
        Assert.True(read.RecordExists);
        Assert.Equal("探访 done", read.State.Text);
        Assert.Equal(3, read.State.Revision);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task Small_state_is_stored_as_readable_json()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();

        await harness.Storage.WriteStateAsync("note", grainId, new NoteState(new Note { Text = "hello" }));

        var entity = await harness.EntityAsync(grainId);
        Assert.NotNull(entity);
        Assert.Contains("\"Text\":\"hello\"", entity.GetString(GrainStateEntity.TextProperty), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_write_changes_the_etag()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        var state = new NoteState(new Note { Revision = 1 });

        await harness.Storage.WriteStateAsync("note", grainId, state);
        var first = state.ETag;
        state.State.Revision = 2;
        await harness.Storage.WriteStateAsync("note", grainId, state);

        Assert.NotNull(first);
        Assert.NotNull(state.ETag);
        Assert.NotEqual(first, state.ETag);
        Assert.Equal(2, (await harness.ReadAsync(grainId)).State.Revision);
    }

    [Fact]
    public async Task Writer_with_a_stale_etag_is_refused_and_overwrites_nothing()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        await harness.Storage.WriteStateAsync("note", grainId, new NoteState(new Note { Text = "original" }));
        var first = await harness.ReadAsync(grainId);
        var second = await harness.ReadAsync(grainId);

        first.State.Text = "first writer";
        await harness.Storage.WriteStateAsync("note", grainId, first);
        second.State.Text = "second writer";
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => harness.Storage.WriteStateAsync("note", grainId, second));

        Assert.Contains(grainId.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Equal(second.ETag, error.CurrentEtag);
        var stored = await harness.ReadAsync(grainId);
        Assert.Equal("first writer", stored.State.Text);
        Assert.Equal(first.ETag, stored.ETag);
    }

    [Fact]
    public async Task Second_first_write_of_the_same_state_is_refused()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        await harness.Storage.WriteStateAsync("note", grainId, new NoteState(new Note { Text = "first" }));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => harness.Storage.WriteStateAsync("note", grainId, new NoteState(new Note { Text = "second" })));

        Assert.Equal("first", (await harness.ReadAsync(grainId)).State.Text);
    }

    [Fact]
    public async Task Clear_before_any_write_leaves_an_empty_record_with_an_etag()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        var state = new NoteState();

        await harness.Storage.ClearStateAsync("note", grainId, state);
        var read = await harness.ReadAsync(grainId);

        Assert.False(state.RecordExists);
        Assert.NotNull(state.ETag);
        Assert.NotNull(state.State);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task Cleared_state_reads_as_a_default()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        var state = new NoteState(new Note { Text = "to forget" });
        await harness.Storage.WriteStateAsync("note", grainId, state);

        await harness.Storage.ClearStateAsync("note", grainId, state);
        var read = await harness.ReadAsync(grainId);

        Assert.False(read.RecordExists);
        Assert.Null(read.State.Text);
        Assert.Equal(state.ETag, read.ETag);
        var entity = await harness.EntityAsync(grainId);
        Assert.NotNull(entity);
        Assert.Empty(GrainStateEntity.ReadState(entity));
    }

    [Fact]
    public async Task State_written_after_a_clear_reads_back()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        var state = new NoteState(new Note { Text = "before" });
        await harness.Storage.WriteStateAsync("note", grainId, state);
        await harness.Storage.ClearStateAsync("note", grainId, state);

        state.State = new Note { Text = "after" };
        await harness.Storage.WriteStateAsync("note", grainId, state);
        var read = await harness.ReadAsync(grainId);

        Assert.True(read.RecordExists);
        Assert.Equal("after", read.State.Text);
    }

    [Fact]
    public async Task Clear_keeps_the_etag_chain_so_a_stale_writer_is_still_refused()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        await harness.Storage.WriteStateAsync("note", grainId, new NoteState(new Note { Text = "shared" }));
        var clearer = await harness.ReadAsync(grainId);
        var stale = await harness.ReadAsync(grainId);

        await harness.Storage.ClearStateAsync("note", grainId, clearer);

        await Assert.ThrowsAsync<InconsistentStateException>(() => harness.Storage.WriteStateAsync("note", grainId, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => harness.Storage.ClearStateAsync("note", grainId, stale));
    }

    [Fact]
    public async Task Delete_on_clear_removes_the_record()
    {
        await using var harness = await StartAsync(o => o.DeleteStateOnClear = true);
        var grainId = NewGrainId();
        var state = new NoteState(new Note { Text = "to delete" });
        await harness.Storage.WriteStateAsync("note", grainId, state);

        await harness.Storage.ClearStateAsync("note", grainId, state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Null(await harness.EntityAsync(grainId));
        var read = await harness.ReadAsync(grainId);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);

        state.State = new Note { Text = "again" };
        await harness.Storage.WriteStateAsync("note", grainId, state);
        Assert.Equal("again", (await harness.ReadAsync(grainId)).State.Text);
    }

    [Fact]
    public async Task Delete_on_clear_with_a_stale_etag_is_refused()
    {
        await using var harness = await StartAsync(o => o.DeleteStateOnClear = true);
        var grainId = NewGrainId();
        await harness.Storage.WriteStateAsync("note", grainId, new NoteState(new Note { Text = "v1" }));
        var stale = await harness.ReadAsync(grainId);
        var current = await harness.ReadAsync(grainId);
        await harness.Storage.WriteStateAsync("note", grainId, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => harness.Storage.ClearStateAsync("note", grainId, stale));

        Assert.True((await harness.ReadAsync(grainId)).RecordExists);
    }

    [Fact]
    public async Task State_names_of_one_grain_are_independent_records()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();

        await harness.Storage.WriteStateAsync("profile", grainId, new NoteState(new Note { Text = "profile" }));
        await harness.Storage.WriteStateAsync("visits", grainId, new NoteState(new Note { Text = "visits" }));
        var visits = await harness.ReadAsync(grainId, "visits");
        await harness.Storage.ClearStateAsync("visits", grainId, visits);

        Assert.Equal("profile", (await harness.ReadAsync(grainId, "profile")).State.Text);
        Assert.False((await harness.ReadAsync(grainId, "visits")).RecordExists);
        Assert.False((await harness.ReadAsync(grainId, "other")).RecordExists);
    }

    [Fact]
    public async Task State_of_300_KiB_is_split_over_binary_properties_and_reads_back()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        var attachment = RandomBytes(300 * 1024);

        await harness.Storage.WriteStateAsync("note", grainId, new NoteState(new Note { Text = "big", Attachment = attachment }));
        var read = await harness.ReadAsync(grainId);

        Assert.Equal(attachment, read.State.Attachment);
        var entity = await harness.EntityAsync(grainId);
        Assert.NotNull(entity);
        Assert.Contains("Data5", entity.Keys);
        Assert.DoesNotContain(GrainStateEntity.TextProperty, entity.Keys);
    }

    [Fact]
    public async Task State_too_large_for_an_entity_fails_clearly_and_writes_nothing()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        var state = new NoteState(new Note { Text = "small" });
        await harness.Storage.WriteStateAsync("note", grainId, state);
        var eTag = state.ETag;

        state.State = new Note { Attachment = RandomBytes(1100 * 1024) };
        var error = await Assert.ThrowsAsync<GrainStateTooLargeException>(() => harness.Storage.WriteStateAsync("note", grainId, state));

        Assert.Contains(grainId.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("'note'", error.Message, StringComparison.Ordinal);
        Assert.True(error.Size > 1024 * 1024);
        Assert.Equal(eTag, state.ETag);
        var stored = await harness.ReadAsync(grainId);
        Assert.Equal("small", stored.State.Text);
        Assert.Equal(eTag, stored.ETag);
    }

    [Fact]
    public async Task Grain_keys_with_characters_Azure_forbids_or_non_ascii_are_distinct_records()
    {
        await using var harness = await StartAsync();
        string[] keys = ["a/b", "a_b", "a~2Fb", @"back\slash", "hash#tag", "what?", "中文", "tab\there", "it's 100%"];

        foreach (var key in keys)
        {
            await harness.Storage.WriteStateAsync("note", GrainId.Create("note", key), new NoteState(new Note { Text = key }));
        }

        foreach (var key in keys)
        {
            var read = await harness.ReadAsync(GrainId.Create("note", key));
            Assert.True(read.RecordExists, key);
            Assert.Equal(key, read.State.Text);
        }
    }

    [Fact]
    public async Task State_survives_a_restart_of_storage()
    {
        await using var harness = await StartAsync();
        var grainId = NewGrainId();
        var state = new NoteState(new Note { Text = "durable" });
        await harness.Storage.WriteStateAsync("note", grainId, state);

        await azurite.RestartAsync();
        var read = await harness.ReadAsync(grainId);

        Assert.True(read.RecordExists);
        Assert.Equal("durable", read.State.Text);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task Initialization_creates_the_table()
    {
        await using var harness = await StartAsync();

        var tables = harness.Options.CreateServiceClient().QueryAsync(t => t.Name == harness.Table.Name);

        Assert.Single(await tables.ToListAsync());
    }

    [Fact]
    public async Task Call_to_unresponsive_storage_gives_up_within_the_operation_timeout()
    {
        // Accepts connections and never answers, like a storage front end that hangs.
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var port = ((IPEndPoint)blackHole.LocalEndpoint).Port;
        var connectionString = azurite.ConnectionString.Replace(
            azurite.TableEndpoint.ToString(), $"http://127.0.0.1:{port}/{AzuriteFixture.AccountName}", StringComparison.Ordinal);
        await using var harness = await StorageHarness.StartAsync(
            connectionString,
            o =>
            {
                o.OperationTimeout = TimeSpan.FromSeconds(1);
                o.BatchPartitions = BatchPartitions;
            },
            initialize: false);
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => harness.Storage.WriteStateAsync("note", NewGrainId(), new NoteState(new Note())));

        Assert.Contains(harness.Table.Name, error.Message, StringComparison.Ordinal);

        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    private Task<StorageHarness> StartAsync(Action<AzureTableStorageOptions>? configure = null) =>
        StorageHarness.StartAsync(azurite.ConnectionString, o =>
        {
            o.BatchPartitions = BatchPartitions;
            configure?.Invoke(o);
        });

    private static GrainId NewGrainId() => GrainId.Create("note", Guid.NewGuid().ToString("N"));

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
