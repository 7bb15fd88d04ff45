using System.Text;
using Boai.Orleans.Persistence.AzureTable;

namespace Boai.Orleans.Persistence.Tests;

public sealed class GrainStateEntityTests
{
    [Fact]
    public void Small_json_is_stored_as_readable_text()
    {
        var json = Encoding.UTF8.GetBytes("{\n  \"text\": \"中文\",\t\"n\": 1\r\n}");

        var entity = GrainStateEntity.Create("pk", "rk", json);

        Assert.Equal("{\n  \"text\": \"中文\",\t\"n\": 1\r\n}", entity.GetString(GrainStateEntity.TextProperty));
        Assert.Equal(json, GrainStateEntity.ReadState(entity));
    }

    [Fact]
    public void Bytes_that_are_not_plain_text_are_stored_as_binary()
    {
        byte[] bytes = [0x7B, 0x00, 0xFF, 0x01];

        var entity = GrainStateEntity.Create("pk", "rk", bytes);

        Assert.False(entity.ContainsKey(GrainStateEntity.TextProperty));
        Assert.Equal(bytes, entity.GetBinary("Data0"));
        Assert.Equal(bytes, GrainStateEntity.ReadState(entity));
    }

    [Fact]
    public void Large_state_is_split_into_64_KiB_binary_properties()
    {
        var state = Encoding.UTF8.GetBytes(new string('x', 300 * 1024));

        var entity = GrainStateEntity.Create("pk", "rk", state);

        Assert.Equal(["Data0", "Data1", "Data2", "Data3", "Data4"], entity.Keys.Where(k => k.StartsWith("Data", StringComparison.Ordinal)).Order());
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(GrainStateEntity.ChunkSize, entity.GetBinary($"Data{i}").Length));
        Assert.Equal(state, GrainStateEntity.ReadState(entity));
    }

    [Fact]
    public void Cleared_record_holds_no_state()
    {
        var entity = GrainStateEntity.Create("pk", "rk", ReadOnlyMemory<byte>.Empty);

        Assert.Empty(GrainStateEntity.ReadState(entity));
        Assert.DoesNotContain(entity.Keys, k => k == GrainStateEntity.TextProperty || k.StartsWith("Data", StringComparison.Ordinal));
    }

    [Fact]
    public void State_beyond_the_entity_limit_is_refused()
    {
        var state = new byte[GrainStateEntity.MaxStateBytes + 1];

        Assert.Throws<ArgumentOutOfRangeException>(() => GrainStateEntity.Create("pk", "rk", state));
    }
}
