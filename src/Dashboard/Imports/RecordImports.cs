using System.Collections.Concurrent;
using System.Globalization;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Imports;

public sealed record ImportError(int Row, string Column, string Message);

/// <summary><c>?dryRun=true</c>: how many data rows, how many would be applied, every bad row's reasons. Nothing changed.</summary>
public sealed record ImportDryRun(int Rows, int Valid, IReadOnlyList<ImportError> Errors);

/// <summary>A commit: records created, replaced, left as they were (already equal), and the rows skipped with their reasons.</summary>
public sealed record ImportCommit(int Created, int Updated, int Unchanged, IReadOnlyList<ImportError> Errors);

/// <summary>
/// Applies the rows of an import file through the same validation and grain calls as the records' PUT routes: a row
/// is checked by <see cref="VolunteersApi"/> / <see cref="HouseholdsApi"/> rules, then upserted only when it changes
/// the stored record, so importing the same file again changes nothing. Fields the file has no column for
/// (availability, willingness, contacts, member flags and notes) keep their stored values.
/// </summary>
public sealed class RecordImports(IGrainFactory grains, ServiceCatalogue catalogue)
{
    private const int Parallelism = 8;

    private static readonly Dictionary<string, string> StatusWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["在岗"] = "active", ["正常"] = "active", ["活跃"] = "active", ["在册"] = "active",
        ["暂停"] = "paused", ["休息"] = "paused",
        ["退出"] = "left", ["离开"] = "left", ["已退出"] = "left",
    };

    private static readonly char[] ListSeparators = [';', '；', '、'];

    /// <summary>Parts of one need of the needs column: item, frequency, priority (<c>meal_delivery:weekly:3</c>, <c>助餐：每周：3</c>).</summary>
    private static readonly char[] NeedPartSeparators = [':', '：'];

    private static readonly Dictionary<string, string> FrequencyWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["每周"] = "weekly", ["每星期"] = "weekly",
        ["每两周"] = "fortnightly", ["隔周"] = "fortnightly", ["双周"] = "fortnightly",
        ["每月"] = "monthly",
        ["每季度"] = "quarterly", ["每季"] = "quarterly",
        ["一次"] = "once", ["单次"] = "once",
    };

    public Task<ImportDryRun> DryRunVolunteersAsync(ImportSheet sheet, string districtId) =>
        DryRunAsync(PlanVolunteers(sheet, districtId), async id => (await grains.GetGrain<IVolunteerGrain>(id).Get())?.Profile.DistrictId);

    public Task<ImportDryRun> DryRunHouseholdsAsync(ImportSheet sheet, string districtId) =>
        DryRunAsync(PlanHouseholds(sheet, districtId), id => grains.GetGrain<IHouseholdGrain>(id).GetDistrict());

    public Task<ImportCommit> CommitVolunteersAsync(ImportSheet sheet, string districtId, string by) =>
        CommitAsync(PlanVolunteers(sheet, districtId), async record =>
        {
            var grain = grains.GetGrain<IVolunteerGrain>(record.Id);
            var current = (await grain.Get())?.Profile;
            if (current is not null && current.DistrictId != districtId)
            {
                return Applied.Elsewhere(current.DistrictId);
            }

            var profile = current is null
                ? record.Value
                : record.Value with
                {
                    Availability = current.Availability,
                    Willingness = current.Willingness,
                    Home = current.Home,
                    VolunteerNumber = current.VolunteerNumber,
                };
            if (current is not null && Same(current, profile))
            {
                return Applied.Unchanged;
            }

            var outcome = await grain.Upsert(profile, by);
            return Applied.From(outcome.Failure, outcome.Created);
        });

    public Task<ImportCommit> CommitHouseholdsAsync(ImportSheet sheet, string districtId, string by) =>
        CommitAsync(PlanHouseholds(sheet, districtId), async record =>
        {
            var grain = grains.GetGrain<IHouseholdGrain>(record.Id);
            var file = await grain.Get();
            var current = file?.Profile;
            if (current is not null && current.DistrictId != districtId)
            {
                return Applied.Elsewhere(current.DistrictId);
            }

            var applied = await UpsertHouseholdAsync(grain, current, record.Value.Profile, by);
            if (applied.Kind == AppliedKind.Failed)
            {
                return applied;
            }

            // Through the form's POST path; a need whose item is already open on the file is not added again.
            var open = file?.Needs.Where(n => n.Open).Select(n => n.ItemId).ToHashSet(StringComparer.Ordinal) ?? [];
            var added = false;
            foreach (var need in record.Value.Needs.Where(n => !open.Contains(n.ItemId)))
            {
                var outcome = await grain.AddNeed(need with { By = by });
                if (outcome.Failure is { } failure)
                {
                    return new Applied(AppliedKind.Failed, failure.Title);
                }

                added = true;
            }

            return added && applied.Kind == AppliedKind.Unchanged ? new Applied(AppliedKind.Updated) : applied;
        });

    private static async Task<Applied> UpsertHouseholdAsync(IHouseholdGrain grain, HouseholdProfile? current, HouseholdProfile imported, string by)
    {
        var profile = current is null
            ? imported
            : imported with
            {
                RiskLevel = current.RiskLevel,
                Contacts = current.Contacts,
                // A member already on file keeps what the file has no column for (flags, phone, health notes).
                Members = [.. imported.Members.Select(m => current.Members.FirstOrDefault(c => c.Name == m.Name) is { } known ? known with { Age = m.Age } : m)],
            };
        if (current is not null && Same(current, profile))
        {
            return Applied.Unchanged;
        }

        var outcome = await grain.Upsert(profile, by);
        return Applied.From(outcome.Failure, outcome.Created);
    }

    private static async Task<ImportDryRun> DryRunAsync<T>(Plan<T> plan, Func<string, Task<string?>> districtOf)
    {
        var errors = new ConcurrentBag<ImportError>(plan.Errors);
        var skipped = new ConcurrentBag<int>();
        await Parallel.ForEachAsync(plan.Records, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (record, _) =>
        {
            if (await districtOf(record.Id) is { } district && district != plan.DistrictId)
            {
                errors.Add(Elsewhere(record, plan.IdColumn, district));
                skipped.Add(record.Rows.Count);
            }
        });

        var valid = plan.Records.Sum(r => r.Rows.Count) - skipped.Sum();
        return new ImportDryRun(plan.RowCount, valid, Sorted(errors));
    }

    private static async Task<ImportCommit> CommitAsync<T>(Plan<T> plan, Func<Planned<T>, Task<Applied>> apply)
    {
        var errors = new ConcurrentBag<ImportError>(plan.Errors);
        int created = 0, updated = 0, unchanged = 0;
        await Parallel.ForEachAsync(plan.Records, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (record, _) =>
        {
            var applied = await apply(record);
            switch (applied.Kind)
            {
                case AppliedKind.Created:
                    Interlocked.Increment(ref created);
                    break;
                case AppliedKind.Updated:
                    Interlocked.Increment(ref updated);
                    break;
                case AppliedKind.Unchanged:
                    Interlocked.Increment(ref unchanged);
                    break;
                case AppliedKind.Elsewhere:
                    errors.Add(Elsewhere(record, plan.IdColumn, applied.Detail!));
                    break;
                default:
                    errors.Add(new ImportError(record.Rows[0], plan.IdColumn, applied.Detail!));
                    break;
            }
        });

        return new ImportCommit(created, updated, unchanged, Sorted(errors));
    }

    private static ImportError Elsewhere<T>(Planned<T> record, string column, string district) =>
        new(record.Rows[0], column, $"已登记在其他镇区（{district}），请由该镇区处理 / Already registered in another district ({district})");

    private static List<ImportError> Sorted(IEnumerable<ImportError> errors) =>
        [.. errors.OrderBy(e => e.Row).ThenBy(e => e.Column, StringComparer.Ordinal)];

    private Plan<VolunteerProfile> PlanVolunteers(ImportSheet sheet, string districtId)
    {
        var plan = new Plan<VolunteerProfile>(districtId, "volunteerId", sheet.Rows.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in sheet.Rows)
        {
            var v = new Validation();
            var id = v.Id("volunteerId", row.Get("volunteerId"));
            var status = row.Get("status");
            var body = new VolunteerBody(
                row.Get("name"),
                row.Get("phone"),
                districtId,
                Split(row.Get("skills")).Select(SkillId).ToList(),
                null,
                StatusWords.GetValueOrDefault(status, status),
                null,
                null,
                null);
            var profile = VolunteersApi.Profile(v, body, catalogue);
            if (id.Length > 0 && !seen.Add(id))
            {
                v.Add("volunteerId", "文件中重复 / Appears twice in this file");
            }

            if (plan.Check(sheet, row, v, VolunteerColumn))
            {
                plan.Records.Add(new Planned<VolunteerProfile>(id, [row.Row], profile!));
            }
        }

        return plan;
    }

    private Plan<HouseholdImport> PlanHouseholds(ImportSheet sheet, string districtId)
    {
        var plan = new Plan<HouseholdImport>(districtId, "householdId", sheet.Rows.Count);
        // Rows with the same household id are one household, one member per row; the first row gives its address.
        var groups = new Dictionary<string, List<ImportRow>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in sheet.Rows)
        {
            var id = row.Get("householdId");
            if (!groups.TryGetValue(id, out var rows))
            {
                groups[id] = rows = [];
                order.Add(id);
            }

            rows.Add(row);
        }

        foreach (var id in order)
        {
            var rows = groups[id];
            var first = rows[0];
            var members = new List<MemberBody?>();
            var needs = new List<NewNeed>();
            var ok = true;
            foreach (var row in rows)
            {
                var v = new Validation();
                v.Id("householdId", id);
                var age = Number(v, "members[0].age", row.Get("memberAge"));
                var member = new MemberBody(row.Get("memberName"), age is null ? null : (int)Math.Round(age.Value), null, null, null, null);
                var location = Location(v, row);
                var body = new HouseholdBody(
                    districtId, row.Get("community"), row.Get("address"), location, CategoryId(row.Get("category")), null, [member], null);
                HouseholdsApi.Profile(v, body, catalogue);
                if (row != first && (row.Get("community") != first.Get("community") || row.Get("address") != first.Get("address")))
                {
                    v.Add("address", "同一家庭的各行地址应一致 / Rows of one household must share its address");
                }

                foreach (var need in Needs(v, row.Get("needs")))
                {
                    if (needs.Any(n => n.ItemId == need.ItemId))
                    {
                        v.Add("needs", $"{need.ItemId}：同一家庭重复的需求 / {need.ItemId} appears twice for this household");
                    }
                    else
                    {
                        needs.Add(need);
                    }
                }

                ok &= plan.Check(sheet, row, v, HouseholdColumn);
                members.Add(member);
            }

            if (!ok)
            {
                continue;
            }

            var file = new HouseholdBody(
                districtId, first.Get("community"), first.Get("address"), Location(new Validation(), first), CategoryId(first.Get("category")), null, members, null);
            var profile = HouseholdsApi.Profile(new Validation(), file, catalogue);
            plan.Records.Add(new Planned<HouseholdImport>(id, [.. rows.Select(r => r.Row)], new HouseholdImport(profile!, needs)));
        }

        return plan;
    }

    /// <summary>
    /// The needs column: needs separated by <c>;</c>, each <c>item[:frequency[:priority]]</c> with the item by id or
    /// Chinese or English name and the frequency by contract word or Chinese (每周, 每两周, 每月, 每季度, 一次), checked
    /// by the same rules as the form's <c>POST /households/{id}/needs</c>. Each bad need is named in its message.
    /// </summary>
    private List<NewNeed> Needs(Validation v, string text)
    {
        var needs = new List<NewNeed>();
        foreach (var entry in text.Split([';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(NeedPartSeparators, StringSplitOptions.TrimEntries);
            var one = new Validation();
            int? priority = null;
            if (parts.Length > 3)
            {
                one.Add("needs", "应为 项目:频率:优先级 / Must be item:frequency:priority");
            }
            else if (parts.Length == 3 && parts[2].Length > 0)
            {
                if (int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p))
                {
                    priority = p;
                }
                else
                {
                    one.Add("priority", "应为 1 到 5 的整数 / Must be a whole number from 1 to 5");
                }
            }

            var frequency = parts.Length > 1 && parts[1].Length > 0 ? FrequencyWords.GetValueOrDefault(parts[1], parts[1]) : null;
            var need = HouseholdsApi.Need(one, new NeedBody(ItemId(parts[0]), frequency, priority, null), string.Empty);
            if (one.IsValid && NeedRules.Item(catalogue, need).Failure is { } refused)
            {
                // The dry run asks the household's own rule, so the import and the needs route refuse alike.
                foreach (var (field, messages) in refused.Errors ?? new Dictionary<string, string[]>())
                {
                    foreach (var message in messages)
                    {
                        one.Add(field, message);
                    }
                }
            }
            foreach (var (_, messages) in one.Errors)
            {
                foreach (var message in messages)
                {
                    v.Add("needs", $"「{entry}」{message}");
                }
            }

            if (one.IsValid)
            {
                needs.Add(need);
            }
        }

        return needs;
    }

    /// <summary>A catalogue item by id, Chinese or English name.</summary>
    private string ItemId(string text) =>
        catalogue.Items.FirstOrDefault(i => i.ItemId == text || i.Name == text || string.Equals(i.NameEn, text, StringComparison.OrdinalIgnoreCase))?.ItemId ?? text;

    private static PointBody? Location(Validation v, ImportRow row)
    {
        var lat = Number(v, "location.lat", row.Get("lat"));
        var lng = Number(v, "location.lng", row.Get("lng"));
        return lat is null && lng is null ? null : new PointBody(lat, lng);
    }

    private static double? Number(Validation v, string field, string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        v.Add(field, "应为数字 / Must be a number");
        return null;
    }

    private static string[] Split(string text) =>
        text.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A skill by id, Chinese or English name (the template shows the Chinese names).</summary>
    private string SkillId(string text) =>
        catalogue.Skills.FirstOrDefault(s => s.SkillId == text || s.Name == text || string.Equals(s.NameEn, text, StringComparison.OrdinalIgnoreCase))?.SkillId ?? text;

    private string CategoryId(string text) =>
        catalogue.Categories.FirstOrDefault(c => c.Category == text || c.Name == text || string.Equals(c.NameEn, text, StringComparison.OrdinalIgnoreCase))?.Category ?? text;

    /// <summary>The file column a PUT field came from (<c>skills[2]</c> → skills, <c>members[0].age</c> → memberAge).</summary>
    private static string VolunteerColumn(string field) => field.Split('[', '.')[0];

    private static string HouseholdColumn(string field) => field switch
    {
        _ when field.StartsWith("members", StringComparison.Ordinal) && field.EndsWith(".age", StringComparison.Ordinal) => "memberAge",
        _ when field.StartsWith("members", StringComparison.Ordinal) => "memberName",
        "location.lat" or "location" => "lat",
        "location.lng" => "lng",
        _ => field.Split('[', '.')[0],
    };

    private static bool Same(VolunteerProfile a, VolunteerProfile b) =>
        a.Name == b.Name && a.Phone == b.Phone && a.DistrictId == b.DistrictId && a.Status == b.Status
        && a.Skills.SequenceEqual(b.Skills) && a.Availability.SequenceEqual(b.Availability)
        && a.Willingness.MaxTravelKm.Equals(b.Willingness.MaxTravelKm) && a.Willingness.Categories.SequenceEqual(b.Willingness.Categories)
        && Equals(a.Home, b.Home) && a.VolunteerNumber == b.VolunteerNumber;

    private static bool Same(HouseholdProfile a, HouseholdProfile b) =>
        a.DistrictId == b.DistrictId && a.Community == b.Community && a.Address == b.Address && Equals(a.Location, b.Location)
        && a.Category == b.Category && a.RiskLevel == b.RiskLevel && a.Contacts.SequenceEqual(b.Contacts)
        && a.Members.Count == b.Members.Count
        && a.Members.Zip(b.Members).All(p => (p.First with { Flags = [] }) == (p.Second with { Flags = [] }) && p.First.Flags.SequenceEqual(p.Second.Flags));

    private sealed record Planned<T>(string Id, IReadOnlyList<int> Rows, T Value);

    /// <summary>A household of the file: its profile and the needs its rows name (added when not already open).</summary>
    private sealed record HouseholdImport(HouseholdProfile Profile, IReadOnlyList<NewNeed> Needs);

    private sealed class Plan<T>(string districtId, string idColumn, int rowCount)
    {
        public string DistrictId => districtId;

        public string IdColumn => idColumn;

        public int RowCount => rowCount;

        public List<Planned<T>> Records { get; } = [];

        public List<ImportError> Errors { get; } = [];

        /// <summary>Records the row's errors under the file's own header of each column; true when it has none.</summary>
        public bool Check(ImportSheet sheet, ImportRow row, Validation v, Func<string, string> columnOf)
        {
            foreach (var (field, messages) in v.Errors)
            {
                var column = columnOf(field);
                var header = sheet.Headers.GetValueOrDefault(column, column);
                Errors.AddRange(messages.Select(m => new ImportError(row.Row, header, m)));
            }

            return v.IsValid;
        }
    }

    private enum AppliedKind
    {
        Created,
        Updated,
        Unchanged,
        Elsewhere,
        Failed,
    }

    private sealed record Applied(AppliedKind Kind, string? Detail = null)
    {
        public static readonly Applied Unchanged = new(AppliedKind.Unchanged);

        public static Applied Elsewhere(string district) => new(AppliedKind.Elsewhere, district);

        public static Applied From(Failure? failure, bool created) =>
            failure is not null ? new(AppliedKind.Failed, failure.Title) : new(created ? AppliedKind.Created : AppliedKind.Updated);
    }
}
