using Boai.Orleans.Hosting.Storage;
using Boai.Orleans.Model;

namespace Boai.Orleans.Persistence.Tests;

public sealed class GrainStateKeysTests
{
    [Theory]
    [InlineData("volunteer", "v-1")]
    [InlineData("household", "h_1.2:3-4")]
    [InlineData("pairing", "h-1~p3")]
    [InlineData("district", "石岐")]
    public void Ids_the_service_makes_are_stored_apart(string type, string key) =>
        Assert.Null(GrainStateKeys.Problem(GrainId.Create(type, key), "state"));

    [Theory]
    [InlineData("volunteer", "a/b")]
    [InlineData("volunteer", @"a\b")]
    [InlineData("volunteer", "a#b")]
    [InlineData("volunteer", "a?b")]
    [InlineData("volunteer", "a\u007Fb")]
    [InlineData("volunteer_x", "b")]
    public void Ids_the_provider_would_write_like_another_are_refused(string type, string key) =>
        Assert.NotNull(GrainStateKeys.Problem(GrainId.Create(type, key), "state"));

    [Theory]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("")]
    public void State_names_are_checked_too(string stateName) =>
        Assert.NotNull(GrainStateKeys.Problem(GrainId.Create("volunteer", "v-1"), stateName));

    [Theory]
    [InlineData("v-1")]
    [InlineData("A.b:c_d-9")]
    public void Every_id_a_caller_may_choose_is_stored_apart(string id)
    {
        Assert.True(Ids.IsValid(id));
        Assert.Null(GrainStateKeys.Problem(GrainId.Create("volunteer", id), "volunteer"));
    }
}
