using Boai.Orleans.Model;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>The API's error answers (RFC 9457 problem details) and how a grain's <see cref="Failure"/> becomes one.</summary>
public static class ApiProblems
{
    public const string InvalidTitle = "请求有误 / The request is invalid";
    public const string MalformedTitle = "请求体格式有误 / The request body is malformed";
    public const string ForbiddenTitle = "无权访问 / You may not access this";
    public const string NotFoundTitle = "未找到 / Not found";
    public const string UnavailableTitle = "服务暂不可用，请稍后重试 / The service is unavailable, retry later";
    public const string TooLargeTitle = "请求体过大 / The request body is too large";
    public const string TooManyTitle = "请求过于频繁 / Too many requests";

    public static IResult Forbidden(string? detail = null) =>
        TypedResults.Problem(title: ForbiddenTitle, detail: detail, statusCode: StatusCodes.Status403Forbidden);

    public static IResult NotFound(string what) =>
        TypedResults.Problem(title: NotFoundTitle, detail: what, statusCode: StatusCodes.Status404NotFound);

    public static IResult Invalid(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors, title: InvalidTitle);

    public static IResult Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult From(Failure failure) => failure.Kind switch
    {
        FailureKind.Invalid => TypedResults.ValidationProblem(
            failure.Errors?.ToDictionary(e => e.Key, e => e.Value) ?? new Dictionary<string, string[]>(),
            title: failure.Title),
        FailureKind.NotFound => TypedResults.Problem(title: failure.Title, statusCode: StatusCodes.Status404NotFound),
        FailureKind.Forbidden => TypedResults.Problem(title: failure.Title, statusCode: StatusCodes.Status403Forbidden),
        _ => TypedResults.Problem(title: failure.Title, statusCode: StatusCodes.Status409Conflict),
    };

    /// <summary>201 for a new record (at <paramref name="location"/>), 200 for a replace or a replay, or the failure.</summary>
    public static IResult ToResult<T, TDto>(this Outcome<T> outcome, Func<T, TDto> map, string? location = null) =>
        outcome switch
        {
            { Failure: { } failure } => From(failure),
            { Created: true } => TypedResults.Created(location, map(outcome.Value!)),
            _ => TypedResults.Ok(map(outcome.Value!)),
        };

    /// <summary>200 with the value, whether or not it was new, or the failure.</summary>
    public static IResult ToOk<T, TDto>(this Outcome<T> outcome, Func<T, TDto> map) =>
        outcome.Failure is { } failure ? From(failure) : TypedResults.Ok(map(outcome.Value!));
}
