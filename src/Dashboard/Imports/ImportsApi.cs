using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Dashboard.Security;
using MiniExcelLibs;

namespace Boai.Orleans.Dashboard.Imports;

/// <summary>
/// Bulk import of a district's volunteers and households from a workbook or CSV (multipart field <c>file</c>):
/// <c>?dryRun=true</c> checks every row and changes nothing; otherwise the valid rows are applied.
/// </summary>
public static class ImportsApi
{
    /// <summary>An import file may be this large; every other API body stays small (<see cref="ApiRoutes.MaxBodyBytes"/>).</summary>
    public const long MaxFileBytes = 10 * 1024 * 1024;

    public const string TooLargeDetail = "导入文件最大 10 MB / An import file may be at most 10 MB";

    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/districts/{districtId}/imports").WithTags("Imports");
        imports.MapPost("/volunteers", (string districtId, bool? dryRun, HttpRequest request, Caller caller, Access access, RecordImports importer) =>
                ImportAsync(districtId, request, caller, access, ImportColumns.Volunteers, sheet => dryRun == true
                    ? Dry(importer.DryRunVolunteersAsync(sheet, districtId))
                    : Commit(importer.CommitVolunteersAsync(sheet, districtId, caller.Sub))))
            .WithSummary("Imports volunteers (义工) from .xlsx or CSV: volunteerId, name, phone, skills (;-separated), status; Chinese template headers too.")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<ImportDryRun>().Produces<ImportCommit>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(413);
        imports.MapPost("/households", (string districtId, bool? dryRun, HttpRequest request, Caller caller, Access access, RecordImports importer) =>
                ImportAsync(districtId, request, caller, access, ImportColumns.Households, sheet => dryRun == true
                    ? Dry(importer.DryRunHouseholdsAsync(sheet, districtId))
                    : Commit(importer.CommitHouseholdsAsync(sheet, districtId, caller.Sub))))
            .WithSummary("Imports households (一人一档) from .xlsx or CSV: householdId, community, address, lat, lng, category, memberName, memberAge (one member per row), needs (item:frequency:priority;…, each added as the needs POST adds it unless already open).")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<ImportDryRun>().Produces<ImportCommit>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(413);

        api.MapGet("/imports/templates/{kind}.xlsx", Template)
            .WithTags("Imports")
            .WithSummary("The import template workbook (volunteers or households), Chinese headers and one example row.")
            .Produces(StatusCodes.Status200OK, contentType: Xlsx).ProducesProblem(404);
        return api;
    }

    /// <summary>The body limit of <paramref name="context"/>'s request when it is an import upload, else null.</summary>
    public static long? BodyLimit(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && context.Request.Path.Value is { } path
        && path.Contains("/imports/", StringComparison.Ordinal)
        && path.StartsWith("/api/v1/districts/", StringComparison.Ordinal)
            ? MaxFileBytes
            : null;

    private static async Task<IResult> ImportAsync(
        string districtId, HttpRequest request, Caller caller, Access access, ImportColumns columns, Func<ImportSheet, Task<IResult>> run)
    {
        if ((access.Staff(caller) ?? access.District(caller, districtId)) is { } denied)
        {
            return denied;
        }

        if (!request.HasFormContentType)
        {
            return ApiProblems.Invalid("file", "请以 multipart/form-data 上传，字段名 file / Upload as multipart/form-data in field \"file\"");
        }

        IFormFile? file;
        try
        {
            file = (await request.ReadFormAsync(request.HttpContext.RequestAborted)).Files.GetFile("file");
        }
        catch (InvalidDataException)
        {
            return ApiProblems.Invalid("file", "上传内容格式有误 / The upload is malformed");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem(title: ApiProblems.TooLargeTitle, detail: TooLargeDetail, statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (file is null)
        {
            return ApiProblems.Invalid("file", "缺少文件（字段 file） / No file in field \"file\"");
        }

        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(content, request.HttpContext.RequestAborted);
        }

        ImportSheet sheet;
        try
        {
            sheet = ImportSheet.Read(content, file.FileName, columns);
        }
        catch (ImportFileException ex)
        {
            return ApiProblems.Invalid("file", ex.Message);
        }

        return await run(sheet);
    }

    private static async Task<IResult> Dry(Task<ImportDryRun> run) => TypedResults.Ok(await run);

    private static async Task<IResult> Commit(Task<ImportCommit> run) => TypedResults.Ok(await run);

    private static IResult Template(string kind, ServiceCatalogue catalogue)
    {
        var rows = kind switch
        {
            "volunteers" => Row(ImportColumns.Volunteers, "v-0001", "陈小明", "13800001234", string.Join(';', catalogue.Skills.Take(2).Select(s => s.Name)), "在岗"),
            "households" => Row(ImportColumns.Households, "h-0001", "悦来社区", "悦来南路 12 号", "22.522", "113.385", catalogue.Categories[0].Name, "黄伯", "82",
                string.Join(';', catalogue.Items.Where(i => i.Category == catalogue.Categories[0].Category).Take(2).Select((i, n) => $"{i.Name}:每周:{4 - n}"))),
            _ => null,
        };
        if (rows is null)
        {
            return ApiProblems.NotFound("模板为 volunteers 或 households / Templates: volunteers or households");
        }

        var output = new MemoryStream();
        MiniExcel.SaveAs(output, rows, sheetName: kind == "volunteers" ? "义工" : "家庭", excelType: ExcelType.XLSX);
        return TypedResults.File(output.ToArray(), Xlsx, $"{kind}-template.xlsx");
    }

    /// <summary>One example row under the Chinese headers, as text so Excel keeps phone numbers and ids as typed.</summary>
    private static List<Dictionary<string, object>> Row(ImportColumns columns, params string[] values) =>
        [columns.All.Zip(values).ToDictionary(p => p.First.Chinese, p => (object)p.Second)];

}
