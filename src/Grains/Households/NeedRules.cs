using Boai.Orleans.Catalogue;
using Boai.Orleans.Model;

namespace Boai.Orleans.Households;

/// <summary>
/// What a need may ask for: an item of the service catalogue. Decided here once; <see cref="HouseholdGrain.AddNeed"/>
/// applies it to every need it adds, and the households import asks it for its dry run, which writes nothing.
/// </summary>
public static class NeedRules
{
    /// <summary>The catalogue item the need names, or the failure naming <c>itemId</c>.</summary>
    public static (CatalogueItem? Item, Failure? Failure) Item(ServiceCatalogue catalogue, NewNeed need)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(need);
        return catalogue.Find(need.ItemId) is { } item
            ? (item, null)
            : (null, Failure.Invalid("itemId", "不在服务清单中 / Not in the service catalogue"));
    }
}
