using System.Globalization;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Demo;

/// <summary>A household of the demo with the catalogue items it needs and, per item, the volunteer paired (or none).</summary>
public sealed record DemoHousehold(string HouseholdId, HouseholdProfile Profile, IReadOnlyList<(string ItemId, string? VolunteerId)> Needs);

public sealed record DemoDistrict(string DistrictId, IReadOnlyList<(string VolunteerId, VolunteerProfile Profile)> Volunteers, IReadOnlyList<DemoHousehold> Households);

/// <summary>
/// The demo's people and households, made from a seed: the same seed gives the same names, ids (<c>v-shiqi-001</c>,
/// <c>h-shiqi-001</c>) and pairings, so seeding again changes nothing.
/// </summary>
public static class DemoPlan
{
    private static readonly string[] Surnames =
        ["陈", "李", "张", "黄", "王", "刘", "林", "梁", "吴", "何", "郑", "罗", "周", "杨", "冯", "谢", "叶", "邓", "苏", "卢", "欧阳", "麦", "郭", "曾"];

    private static readonly string[] GivenNames =
        ["伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "桂英", "志强", "建华",
         "淑芬", "国强", "美玲", "嘉怡", "子轩", "浩然", "梓涵", "晓燕", "少华", "锦辉", "惠珍", "永康"];

    private static readonly string[] Relations = ["儿子", "女儿", "侄子", "邻居", "外甥女"];

    public static IReadOnlyList<DemoDistrict> Make(DemoOptions options, DistrictDirectory districts, ServiceCatalogue catalogue) =>
        districts.All.Select((d, index) => District(options, d, index, catalogue)).ToList();

    private static DemoDistrict District(DemoOptions options, DistrictInfo district, int index, ServiceCatalogue catalogue)
    {
        var random = new Random(options.RandomSeed + (index * 7919));
        var skills = catalogue.Skills.Select(s => s.SkillId).ToArray();
        var volunteers = new List<(string, VolunteerProfile)>();
        for (var i = 1; i <= options.VolunteersPerDistrict; i++)
        {
            var mySkills = Pick(random, skills, random.Next(1, 4));
            var day = (DayOfWeek)random.Next(0, 7);
            var startHour = random.Next(8, 16);
            volunteers.Add((
                $"v-{district.DistrictId}-{i:000}",
                new VolunteerProfile(
                    Name(random),
                    Phone(random),
                    district.DistrictId,
                    mySkills,
                    [new WeeklySlot(day, new TimeOnly(startHour, 0), new TimeOnly(startHour + 3, 0))],
                    VolunteerStatus.Active,
                    new Willingness([], 5),
                    Near(random, district.Center, 0.02),
                    $"ZS{index + 1:00}{i:0000}")));
        }

        var households = new List<DemoHousehold>();
        var categories = catalogue.Categories.Select(c => c.Category).Where(c => catalogue.Items.Any(i => i.Category == c)).ToArray();
        for (var i = 1; i <= options.HouseholdsPerDistrict; i++)
        {
            var category = random.NextDouble() < 0.5 ? "elderly" : categories[random.Next(categories.Length)];
            if (!catalogue.IsCategory(category))
            {
                category = categories[0];
            }

            var community = district.Communities.Count > 0 ? district.Communities[random.Next(district.Communities.Count)] : district.Name;
            var profile = new HouseholdProfile(
                district.DistrictId,
                community,
                $"{community}{random.Next(1, 40)}巷{random.Next(1, 80)}号",
                Near(random, district.Center, 0.015),
                category,
                (RiskLevel)random.Next(0, 3),
                Members(random, category),
                [new HouseholdContact(Name(random), Relations[random.Next(Relations.Length)], Phone(random))]);

            var items = catalogue.Items.Where(x => x.Category == category).ToArray();
            var needs = Pick(random, items, Math.Min(items.Length, random.Next(1, 3)))
                .Select(item =>
                {
                    var paired = random.NextDouble() < options.PairedShare;
                    // A training-gated item (陪同就医) is paired only to a volunteer whose demo training is valid.
                    var able = volunteers
                        .Select((v, n) => (Volunteer: v, Number: n + 1))
                        .Where(x => item.Skills.Count == 0 || item.Skills.Any(s => x.Volunteer.Item2.Skills.Contains(s)))
                        .Where(x => item.Trainings is not { Count: > 0 } || DemoTrainings.HoldsFirstAid(district.DistrictId, x.Number))
                        .Select(x => x.Volunteer)
                        .ToList();
                    var trained = volunteers.Where((_, n) => DemoTrainings.HoldsFirstAid(district.DistrictId, n + 1)).ToList();
                    var pool = able.Count > 0 ? able : item.Trainings is { Count: > 0 } ? trained : volunteers;
                    return (item.ItemId, paired && pool.Count > 0 ? pool[random.Next(pool.Count)].Item1 : (string?)null);
                })
                .ToList();
            households.Add(new DemoHousehold($"h-{district.DistrictId}-{i:000}", profile, needs));
        }

        return new DemoDistrict(district.DistrictId, volunteers, households);
    }

    private static List<HouseholdMember> Members(Random random, string category)
    {
        var members = new List<HouseholdMember>();
        switch (category)
        {
            case "children":
                members.Add(new HouseholdMember(Name(random), random.Next(6, 15), ["leftBehindChild"]));
                members.Add(new HouseholdMember(Name(random), random.Next(62, 80), [], Phone(random)));
                break;
            case "disability":
                members.Add(new HouseholdMember(Name(random), random.Next(30, 70), ["disability"], Phone(random), "肢体残疾二级"));
                break;
            default:
                var flags = random.NextDouble() < 0.5 ? new[] { "livesAlone" } : ["livesAlone", "noFamily"];
                members.Add(new HouseholdMember(Name(random), random.Next(68, 95), flags, Phone(random), random.NextDouble() < 0.4 ? "高血压" : null));
                break;
        }

        return members;
    }

    private static string Name(Random random) => Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)];

    private static string Phone(Random random) =>
        "13" + random.Next(0, 10).ToString(CultureInfo.InvariantCulture) + random.Next(10_000_000, 100_000_000).ToString(CultureInfo.InvariantCulture);

    private static GeoPoint Near(Random random, GeoPoint center, double spread) =>
        new(Math.Round(center.Lat + ((random.NextDouble() - 0.5) * spread), 5), Math.Round(center.Lng + ((random.NextDouble() - 0.5) * spread), 5));

    private static List<T> Pick<T>(Random random, IReadOnlyList<T> from, int count) =>
        from.OrderBy(_ => random.Next()).Take(count).ToList();
}
