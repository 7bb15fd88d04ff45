using Boai.Orleans.Persistence.AzureTable;
using Boai.Orleans.Testing;
using Orleans.Storage;

namespace Boai.Orleans.Persistence.Tests;

/// <summary>Group commit of grain-state writes (<see cref="AzureTableStorageOptions.BatchPartitions"/>) against a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class GroupCommitTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Concurrent_writes_of_many_grains_share_few_transactions_and_all_read_back()
    {
        await using var harness = await StartAsync(partitions: 2);
        var grains = Enumerable.Range(0, 200).Select(i => (Id: NewGrainId(), State: new NoteState(new Note { Text = $"note {i}", Revision = i }))).ToList();

        await Task.WhenAll(grains.Select(g => harness.Storage.WriteStateAsync("note", g.Id, g.State)));

        var batcher = harness.Provider.Batcher;
        Assert.NotNull(batcher);
        Assert.Equal(200, batcher.CommittedActions);
        Assert.InRange(batcher.Transactions, 2, 40);
        Assert.Equal(0, harness.Provider.SingleWrites);
        foreach (var (id, state) in grains)
        {
            var read = await harness.ReadAsync(id);
            Assert.True(read.RecordExists);
            Assert.Equal(state.State.Text, read.State.Text);
            Assert.Equal(state.ETag, read.ETag);
        }
    }

    [Fact]
    public async Task Stale_etag_and_duplicate_insert_fail_only_their_writers_while_the_rest_of_the_transaction_commits()
    {
        await using var harness = await StartAsync(partitions: 1);
        var grains = Enumerable.Range(0, 20).Select(_ => NewGrainId()).ToList();
        foreach (var id in grains)
        {
            await harness.Storage.WriteStateAsync("note", id, new NoteState(new Note { Text = "v1" }));
        }

        var held = new List<NoteState>();
        foreach (var id in grains)
        {
            held.Add(await harness.ReadAsync(id));
        }

        // Another activation of grain 5 moved its ETag on; grain 12's activation never saw its record.
        var other = await harness.ReadAsync(grains[5]);
        other.State.Text = "other writer";
        await harness.Storage.WriteStateAsync("note", grains[5], other);
        held[12] = new NoteState(new Note());
        var transactionsBefore = harness.Provider.Batcher!.Transactions;

        // One write keeps the partition busy, so the twenty that follow wait and go together.
        var busy = harness.Storage.WriteStateAsync("note", NewGrainId(), new NoteState(new Note { Text = "first in" }));
        var writes = grains.Select((id, i) =>
        {
            held[i].State.Text = "v2";
            return harness.Storage.WriteStateAsync("note", id, held[i]);
        }).ToList();
        await busy;
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }));

        Assert.IsType<InconsistentStateException>(outcomes[5]);
        Assert.IsType<InconsistentStateException>(outcomes[12]);
        Assert.All(outcomes.Where((_, i) => i is not (5 or 12)), Assert.Null);
        // Nineteen writes committed (the busy one and eighteen of the twenty) in far fewer transactions.
        Assert.InRange(harness.Provider.Batcher.Transactions - transactionsBefore, 1, 10);
        Assert.Equal("other writer", (await harness.ReadAsync(grains[5])).State.Text);
        Assert.Equal("v1", (await harness.ReadAsync(grains[12])).State.Text);
        for (var i = 0; i < grains.Count; i++)
        {
            if (i is not (5 or 12))
            {
                var read = await harness.ReadAsync(grains[i]);
                Assert.Equal("v2", read.State.Text);
                Assert.Equal(held[i].ETag, read.ETag);
            }
        }
    }

    [Fact]
    public async Task State_larger_than_the_batch_budget_is_written_alone()
    {
        await using var harness = await StartAsync(partitions: 1);
        var large = NewGrainId();
        var attachment = new byte[AzureTableGrainStorage.MaxBatchedStateBytes + (40 * 1024)];
        Random.Shared.NextBytes(attachment);
        var small = Enumerable.Range(0, 10).Select(_ => NewGrainId()).ToList();

        await Task.WhenAll(
            [harness.Storage.WriteStateAsync("note", large, new NoteState(new Note { Attachment = attachment })),
             .. small.Select(id => harness.Storage.WriteStateAsync("note", id, new NoteState(new Note { Text = "small" })))]);

        Assert.Equal(1, harness.Provider.SingleWrites);
        Assert.Equal(10, harness.Provider.Batcher!.CommittedActions);
        Assert.Equal(attachment, (await harness.ReadAsync(large)).State.Attachment);
        Assert.All(await Task.WhenAll(small.Select(id => harness.ReadAsync(id))), read => Assert.Equal("small", read.State.Text));
    }

    [Fact]
    public async Task Binary_state_split_over_chunks_shares_transactions_and_reads_back()
    {
        await using var harness = await StartAsync(partitions: 1);
        var grains = Enumerable.Range(0, 8).Select(_ => (Id: NewGrainId(), Attachment: RandomBytes(150 * 1024))).ToList();

        var busy = harness.Storage.WriteStateAsync("note", NewGrainId(), new NoteState(new Note { Text = "first in" }));
        var writes = grains.Select(g => harness.Storage.WriteStateAsync("note", g.Id, new NoteState(new Note { Attachment = g.Attachment }))).ToList();
        await busy;
        await Task.WhenAll(writes);

        Assert.Equal(0, harness.Provider.SingleWrites);
        // Nine writes, fewer transactions: some shared one (JSON of 150 KiB is 200 KiB, under the alone threshold).
        Assert.InRange(harness.Provider.Batcher!.Transactions, 1, 8);
        foreach (var (id, attachment) in grains)
        {
            Assert.Equal(attachment, (await harness.ReadAsync(id)).State.Attachment);
            var entity = await harness.EntityAsync(id);
            Assert.NotNull(entity);
            Assert.Contains("Data3", entity.Keys);
        }
    }

    [Fact]
    public async Task Grains_of_a_type_share_partitions_keyed_by_a_stable_hash()
    {
        await using var harness = await StartAsync(partitions: 16);
        var grainId = GrainId.Create("note", "a");

        await harness.Storage.WriteStateAsync("note", grainId, new NoteState(new Note { Text = "a" }));

        var entity = await harness.EntityAsync(grainId);
        Assert.NotNull(entity);
        // FNV-1a of "note/a" is 0xC7135695, modulo 16 = 5: the same in every process, so state is found after a restart.
        Assert.Equal($"{StorageHarness.ServiceId}|note|005", entity.PartitionKey);
        Assert.Equal("note~2Fa|note", entity.RowKey);
    }

    [Fact]
    public async Task Deletes_on_clear_are_batched_too_and_a_stale_one_fails_alone()
    {
        await using var harness = await StartAsync(partitions: 1, deleteOnClear: true);
        var states = new List<(GrainId Id, NoteState State)>();
        for (var i = 0; i < 5; i++)
        {
            var state = new NoteState(new Note { Text = "to delete" });
            var id = NewGrainId();
            await harness.Storage.WriteStateAsync("note", id, state);
            states.Add((id, state));
        }

        var stale = new NoteState { ETag = states[0].State.ETag };
        await harness.Storage.WriteStateAsync("note", states[0].Id, await harness.ReadAsync(states[0].Id));

        var busy = harness.Storage.WriteStateAsync("note", NewGrainId(), new NoteState(new Note()));
        var clears = states.Skip(1).Select(s => harness.Storage.ClearStateAsync("note", s.Id, s.State)).ToList();
        var refused = Assert.ThrowsAsync<InconsistentStateException>(() => harness.Storage.ClearStateAsync("note", states[0].Id, stale));
        await busy;
        await Task.WhenAll(clears);
        await refused;

        Assert.True((await harness.ReadAsync(states[0].Id)).RecordExists);
        foreach (var (id, _) in states.Skip(1))
        {
            Assert.Null(await harness.EntityAsync(id));
        }
    }

    private Task<StorageHarness> StartAsync(int partitions, bool deleteOnClear = false) =>
        StorageHarness.StartAsync(azurite.ConnectionString, o =>
        {
            o.BatchPartitions = partitions;
            o.DeleteStateOnClear = deleteOnClear;
        });

    private static GrainId NewGrainId() => GrainId.Create("note", Guid.NewGuid().ToString("N"));

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
