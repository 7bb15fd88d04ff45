using Boai.Orleans.Districts;
using Boai.Orleans.Hosting;
using Boai.Orleans.Ledger;
using Boai.Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Boai.Orleans.Grains.Tests.Ledger;

/// <summary>
/// A fence refused by storage is answered across a grain call (the ledger partition to the visit, which sends the step
/// once more): when the partition lives on another silo the exception is serialised, and it must arrive as itself, not
/// as Orleans' <c>CodecNotFoundException</c> (exceptions outside the namespaces Orleans knows are refused by default).
/// </summary>
public sealed class FencedExceptionSerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer()
        .AddBoaiExceptionSerialization()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static Exception? RoundTrip(Exception value) => Serializer.Deserialize<Exception>(Serializer.SerializeToArray(value));

    [Fact]
    public void A_fenced_ledger_append_crosses_silos_as_itself_with_the_refusal_inside()
    {
        var refused = new TableTransactionRefusedException(412, "UpdateConditionNotSatisfied", 0, "The update condition specified in the request was not satisfied.");

        var copy = RoundTrip(new LedgerFencedException(3, refused));

        var fenced = Assert.IsType<LedgerFencedException>(copy);
        Assert.Equal("Ledger partition 3 was appended to by another writer since its tail was read", fenced.Message);
        var inner = Assert.IsType<TableTransactionRefusedException>(fenced.InnerException);
        Assert.Equal(refused.Message, inner.Message);
    }

    [Fact]
    public void A_fenced_district_write_crosses_silos_as_itself()
    {
        var copy = RoundTrip(new DistrictStoreFencedException("xiaolan", new InvalidOperationException("lease taken")));

        var fenced = Assert.IsType<DistrictStoreFencedException>(copy);
        Assert.Contains("xiaolan", fenced.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(fenced.InnerException);
    }

    [Fact]
    public void Without_the_service_s_configuration_Orleans_refuses_them()
    {
        var plain = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

        Assert.ThrowsAny<SerializerException>(() => plain.SerializeToArray<Exception>(new LedgerFencedException(3, new InvalidOperationException("x"))));
    }
}
