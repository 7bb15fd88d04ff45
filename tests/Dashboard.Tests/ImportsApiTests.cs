using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class ImportsApiTests(DashboardFixture fixture)
{
    private const string District = "dongsheng";

    [Fact]
    public async Task A_workbook_of_1000_volunteers_with_10_bad_rows_dry_runs_then_creates_990_and_a_second_import_changes_nothing()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var prefix = NewId("imp");
        var rows = new List<Dictionary<string, object>>();
        var bad = new Dictionary<int, string>();
        for (var i = 0; i < 1000; i++)
        {
            var row = new Dictionary<string, object>
            {
                ["义工编号"] = $"{prefix}-{i:D4}",
                ["姓名"] = $"义工{i}",
                ["手机号"] = 13800000000 + i,
                ["技能"] = i % 2 == 0 ? "visiting;housework" : "探访",
                ["状态"] = i % 7 == 0 ? "暂停" : "在岗",
            };
            // Every hundredth row is wrong in one column, each in its own way.
            if (i % 100 == 37)
            {
                var column = (i / 100) switch
                {
                    0 => Set(row, "姓名", string.Empty),
                    1 => Set(row, "手机号", "abc"),
                    2 => Set(row, "技能", "juggling"),
                    3 => Set(row, "状态", "retired"),
                    4 => Set(row, "义工编号", "bad id!"),
                    5 => Set(row, "姓名", new string('长', 60)),
                    6 => Set(row, "手机号", string.Empty),
                    7 => Set(row, "技能", "visiting;unknown-skill"),
                    8 => Set(row, "义工编号", string.Empty),
                    _ => Set(row, "手机号", "12"),
                };
                bad[i + 2] = column;
            }

            rows.Add(row);
        }

        var workbook = Workbook(rows);

        var dry = await Expect(coordinator.PostAsync($"/api/v1/districts/{District}/imports/volunteers?dryRun=true", Upload(workbook, "义工.xlsx")), HttpStatusCode.OK);
        Assert.Equal(1000, dry["rows"]!.GetValue<int>());
        Assert.Equal(990, dry["valid"]!.GetValue<int>());
        var errors = dry["errors"]!.AsArray().Select(e => (Row: e!["row"]!.GetValue<int>(), Column: e["column"]!.GetValue<string>(), Message: e["message"]!.GetValue<string>())).ToList();
        Assert.Equal(bad.OrderBy(b => b.Key).Select(b => (b.Key, b.Value)), errors.Select(e => (e.Row, e.Column)));
        Assert.All(errors, e => Assert.Contains(" / ", e.Message));
        // A dry run changes nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync($"/api/v1/volunteers/{prefix}-0001")).StatusCode);

        var commit = await Expect(coordinator.PostAsync($"/api/v1/districts/{District}/imports/volunteers", Upload(workbook, "义工.xlsx")), HttpStatusCode.OK);
        Assert.Equal(990, commit["created"]!.GetValue<int>());
        Assert.Equal(0, commit["updated"]!.GetValue<int>());
        Assert.Equal(10, commit["errors"]!.AsArray().Count);

        var one = await Expect(coordinator.GetAsync($"/api/v1/volunteers/{prefix}-0002"), HttpStatusCode.OK);
        Assert.Equal("13800000002", one["phone"]!.GetValue<string>());
        Assert.Equal(["visiting", "housework"], one["skills"]!.AsArray().Select(s => s!.GetValue<string>()));
        var paused = await Expect(coordinator.GetAsync($"/api/v1/volunteers/{prefix}-0007"), HttpStatusCode.OK);
        Assert.Equal("paused", paused["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync($"/api/v1/volunteers/{prefix}-0137")).StatusCode);

        var again = await Expect(coordinator.PostAsync($"/api/v1/districts/{District}/imports/volunteers", Upload(workbook, "义工.xlsx")), HttpStatusCode.OK);
        Assert.Equal(0, again["created"]!.GetValue<int>());
        Assert.Equal(0, again["updated"]!.GetValue<int>());
        Assert.Equal(990, again["unchanged"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_csv_of_households_with_english_headers_imports_members_and_a_changed_row_updates_only_its_household()
    {
        var coordinator = fixture.Dashboard.Coordinator("henglan");
        var a = NewId("hi");
        var b = NewId("hi");
        var csv = $"""
            householdId,community,address,lat,lng,category,memberName,memberAge
            {a},横栏社区,横栏路 1 号,22.53,113.33,elderly,黄伯,82
            {a},横栏社区,横栏路 1 号,22.53,113.33,elderly,黄婆,80
            {b},龙头环村,龙瑞街 8 号,,,助困,梁女士,45
            """;

        var commit = await Expect(coordinator.PostAsync("/api/v1/districts/henglan/imports/households", Upload(Encoding.UTF8.GetBytes(csv), "households.csv")), HttpStatusCode.OK);
        Assert.Equal(2, commit["created"]!.GetValue<int>());
        Assert.Empty(commit["errors"]!.AsArray());
        var file = await Expect(coordinator.GetAsync($"/api/v1/households/{a}"), HttpStatusCode.OK);
        Assert.Equal(["黄伯", "黄婆"], file["members"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
        Assert.Equal("hardship", (await Expect(coordinator.GetAsync($"/api/v1/households/{b}"), HttpStatusCode.OK))["category"]!.GetValue<string>());

        var changed = csv.Replace("梁女士,45", "梁女士,46", StringComparison.Ordinal);
        var second = await Expect(coordinator.PostAsync("/api/v1/districts/henglan/imports/households", Upload(Encoding.UTF8.GetBytes(changed), "households.csv")), HttpStatusCode.OK);
        Assert.Equal((0, 1, 1), (second["created"]!.GetValue<int>(), second["updated"]!.GetValue<int>(), second["unchanged"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Households_import_their_needs_through_the_needs_rules_names_bad_needs_by_row_and_column_and_never_adds_one_twice()
    {
        var coordinator = fixture.Dashboard.Coordinator("henglan");
        var a = NewId("hn");
        var b = NewId("hn");
        var bad = NewId("hn");
        List<Dictionary<string, object>> rows =
        [
            new() { ["家庭编号"] = a, ["社区"] = "横栏社区", ["地址"] = "横栏路 3 号", ["类别"] = "助老", ["成员姓名"] = "何伯", ["成员年龄"] = "84", ["需求"] = "elderly-meals:weekly:4；探访陪伴：每两周" },
            new() { ["家庭编号"] = a, ["社区"] = "横栏社区", ["地址"] = "横栏路 3 号", ["类别"] = "助老", ["成员姓名"] = "何婆", ["成员年龄"] = "81", ["需求"] = "Free haircut" },
            new() { ["家庭编号"] = b, ["社区"] = "龙头环村", ["地址"] = "龙瑞街 9 号", ["类别"] = "助医", ["成员姓名"] = "罗女士", ["成员年龄"] = "66", ["需求"] = "陪同就医:一次:5" },
            new() { ["家庭编号"] = bad, ["社区"] = "龙头环村", ["地址"] = "龙瑞街 10 号", ["类别"] = "助老", ["成员姓名"] = "区伯", ["成员年龄"] = "77", ["需求"] = "skydiving:weekly;elderly-visit:daily:9" },
        ];
        var workbook = Workbook(rows);

        var dry = await Expect(coordinator.PostAsync("/api/v1/districts/henglan/imports/households?dryRun=true", Upload(workbook, "households.xlsx")), HttpStatusCode.OK);
        Assert.Equal((4, 3), (dry["rows"]!.GetValue<int>(), dry["valid"]!.GetValue<int>()));
        var errors = dry["errors"]!.AsArray();
        Assert.All(errors, e => Assert.Equal((5, "需求"), (e!["row"]!.GetValue<int>(), e["column"]!.GetValue<string>())));
        Assert.Contains(errors, e => e!["message"]!.GetValue<string>().Contains("skydiving", StringComparison.Ordinal) && e["message"]!.GetValue<string>().Contains("Not in the service catalogue", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!["message"]!.GetValue<string>().Contains("elderly-visit:daily:9", StringComparison.Ordinal) && e["message"]!.GetValue<string>().Contains("One of", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!["message"]!.GetValue<string>().Contains("1 (low) to 5", StringComparison.Ordinal));
        await Expect(coordinator.GetAsync($"/api/v1/households/{a}"), HttpStatusCode.NotFound);

        var commit = await Expect(coordinator.PostAsync("/api/v1/districts/henglan/imports/households", Upload(workbook, "households.xlsx")), HttpStatusCode.OK);
        Assert.Equal(2, commit["created"]!.GetValue<int>());
        var needs = (await Expect(coordinator.GetAsync($"/api/v1/households/{a}"), HttpStatusCode.OK))["needs"]!.AsArray();
        var byItem = needs.ToDictionary(n => n!["itemId"]!.GetValue<string>(), n => n!);
        Assert.Equal(["elderly-haircut", "elderly-meals", "elderly-visit"], byItem.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("weekly", 4), (byItem["elderly-meals"]["frequency"]!.GetValue<string>(), byItem["elderly-meals"]["priority"]!.GetValue<int>()));
        Assert.Equal(("fortnightly", 3), (byItem["elderly-visit"]["frequency"]!.GetValue<string>(), byItem["elderly-visit"]["priority"]!.GetValue<int>()));
        Assert.Equal("monthly", byItem["elderly-haircut"]["frequency"]!.GetValue<string>()); // the item's default
        // A need from the file starts uncovered, as one from the form does.
        var uncovered = await Expect(coordinator.GetAsync("/api/v1/districts/henglan/uncovered"), HttpStatusCode.OK);
        Assert.Contains(uncovered.AsArray(), u => u!["needId"]!.GetValue<string>() == byItem["elderly-meals"]["needId"]!.GetValue<string>());

        // Again, the same file changes nothing; a new need on a household already on file is added, the others are not.
        var again = await Expect(coordinator.PostAsync("/api/v1/districts/henglan/imports/households", Upload(workbook, "households.xlsx")), HttpStatusCode.OK);
        Assert.Equal((0, 0, 2), (again["created"]!.GetValue<int>(), again["updated"]!.GetValue<int>(), again["unchanged"]!.GetValue<int>()));
        Assert.Equal(3, (await Expect(coordinator.GetAsync($"/api/v1/households/{a}"), HttpStatusCode.OK))["needs"]!.AsArray().Count);
        var csv = $"""
            householdId,community,address,lat,lng,category,memberName,memberAge,needs
            {b},龙头环村,龙瑞街 9 号,,,助医,罗女士,66,health-escort:once:5;health-clinic
            """;
        var more = await Expect(coordinator.PostAsync("/api/v1/districts/henglan/imports/households", Upload(Encoding.UTF8.GetBytes(csv), "households.csv")), HttpStatusCode.OK);
        Assert.Equal(1, more["updated"]!.GetValue<int>());
        var bNeeds = (await Expect(coordinator.GetAsync($"/api/v1/households/{b}"), HttpStatusCode.OK))["needs"]!.AsArray().Select(n => n!["itemId"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["health-clinic", "health-escort"], bNeeds);
    }

    [Fact]
    public async Task Malformed_files_answer_a_clear_problem_and_change_nothing()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var id = NewId("mal");
        var valid = Workbook([new() { ["义工编号"] = id, ["姓名"] = "张三", ["手机号"] = "13800001111" }]);

        var notWorkbook = await coordinator.PostAsync($"/api/v1/districts/{District}/imports/volunteers", Upload(Encoding.UTF8.GetBytes("这不是表格"), "volunteers.xlsx"));
        await AssertProblem(notWorkbook, HttpStatusCode.BadRequest, "file");

        var withFormula = await coordinator.PostAsync($"/api/v1/districts/{District}/imports/volunteers", Upload(WithFormula(valid), "volunteers.xlsx"));
        await AssertProblem(withFormula, HttpStatusCode.BadRequest, "file", "公式");

        var truncated = await coordinator.PostAsync($"/api/v1/districts/{District}/imports/volunteers", Upload(valid[..(valid.Length / 2)], "volunteers.xlsx"));
        await AssertProblem(truncated, HttpStatusCode.BadRequest, "file");

        var huge = new byte[50 * 1024 * 1024];
        valid.CopyTo(huge, 0);
        var tooLarge = await coordinator.PostAsync($"/api/v1/districts/{District}/imports/volunteers", Upload(huge, "volunteers.xlsx"));
        await AssertProblem(tooLarge, HttpStatusCode.RequestEntityTooLarge, null, "10 MB");

        var wrongHeaders = await coordinator.PostAsync($"/api/v1/districts/{District}/imports/volunteers", Upload(Encoding.UTF8.GetBytes($"id,fullName\n{id},张三\n"), "v.csv"));
        await AssertProblem(wrongHeaders, HttpStatusCode.BadRequest, "file", "fullName");

        var noFile = await coordinator.PostAsync($"/api/v1/districts/{District}/imports/volunteers", new MultipartFormDataContent());
        await AssertProblem(noFile, HttpStatusCode.BadRequest, "file");

        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync($"/api/v1/volunteers/{id}")).StatusCode);
        var outsider = await fixture.Dashboard.Coordinator("shiqi").PostAsync($"/api/v1/districts/{District}/imports/volunteers", Upload(valid, "v.xlsx"));
        Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
    }

    [Fact]
    public async Task The_template_workbook_has_the_chinese_headers_and_imports_as_it_is()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        using var response = await coordinator.GetAsync("/api/v1/imports/templates/volunteers.xlsx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var stream = new MemoryStream(bytes);
        var header = ((IDictionary<string, object?>)MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX).First()).Values.Select(v => v?.ToString()).ToList();
        Assert.Equal(["义工编号", "姓名", "手机号", "技能", "状态"], header);

        var dry = await Expect(coordinator.PostAsync($"/api/v1/districts/{District}/imports/volunteers?dryRun=true", Upload(bytes, "template.xlsx")), HttpStatusCode.OK);
        Assert.Equal(1, dry["valid"]!.GetValue<int>());
        using var households = await coordinator.GetAsync("/api/v1/imports/templates/households.xlsx");
        var template = await households.Content.ReadAsByteArrayAsync();
        using var read = new MemoryStream(template);
        var example = MiniExcel.Query(read, useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().Single();
        Assert.Equal("成员年龄", example.Keys.ElementAt(7));
        Assert.Equal("需求", example.Keys.Last());
        Assert.Contains(":每周:", example["需求"]?.ToString(), StringComparison.Ordinal);
        var householdsDry = await Expect(coordinator.PostAsync($"/api/v1/districts/{District}/imports/households?dryRun=true", Upload(template, "template.xlsx")), HttpStatusCode.OK);
        Assert.Equal(1, householdsDry["valid"]!.GetValue<int>());
        Assert.Empty(householdsDry["errors"]!.AsArray());
    }

    private static string Set(Dictionary<string, object> row, string column, object value)
    {
        row[column] = value;
        return column;
    }

    private static byte[] Workbook(List<Dictionary<string, object>> rows)
    {
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, rows, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    /// <summary>The same workbook with a formula in a cell of its first data row.</summary>
    private static byte[] WithFormula(byte[] workbook)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.Entries.First(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal));
            string xml;
            using (var reader = new StreamReader(entry.Open()))
            {
                xml = reader.ReadToEnd();
            }

            var secondRowEnd = xml.IndexOf("</x:row>", xml.IndexOf("</x:row>", StringComparison.Ordinal) + 1, StringComparison.Ordinal);
            var tag = secondRowEnd >= 0 ? "x:" : string.Empty;
            if (secondRowEnd < 0)
            {
                secondRowEnd = xml.IndexOf("</row>", xml.IndexOf("</row>", StringComparison.Ordinal) + 1, StringComparison.Ordinal);
            }

            xml = xml.Insert(secondRowEnd, $"<{tag}c r=\"F2\"><{tag}f>SUM(1,1)</{tag}f><{tag}v>2</{tag}v></{tag}c>");
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(entry.FullName).Open());
            writer.Write(xml);
        }

        return stream.ToArray();
    }

    private static MultipartFormDataContent Upload(byte[] content, string fileName)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? field, string? says = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        if (field is not null)
        {
            Assert.NotNull(problem["errors"]![field]);
        }

        if (says is not null)
        {
            Assert.Contains(says, body, StringComparison.Ordinal);
        }

        response.Dispose();
    }
}
