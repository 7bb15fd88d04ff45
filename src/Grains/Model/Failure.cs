namespace Boai.Orleans.Model;

/// <summary>Why a command was refused; the API maps each kind to its HTTP status.</summary>
public enum FailureKind
{
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
}

/// <summary>A refused command.</summary>
/// <param name="Kind">Which HTTP status it becomes.</param>
/// <param name="Title">Chinese / English text for the caller.</param>
/// <param name="Errors">Bad fields, for <see cref="FailureKind.Invalid"/>.</param>
/// <param name="Code">A stable word for callers that act on the reason (e.g. an accepted plan's per-proposal result); null when none.</param>
[GenerateSerializer, Immutable]
public sealed record Failure(
    [property: Id(0)] FailureKind Kind,
    [property: Id(1)] string Title,
    [property: Id(2)] IReadOnlyDictionary<string, string[]>? Errors = null,
    [property: Id(3)] string? Code = null)
{
    public static Failure Invalid(string field, string message) =>
        new(FailureKind.Invalid, "请求有误 / The request is invalid", new Dictionary<string, string[]> { [field] = [message] });

    public static Failure NotFound(string title) => new(FailureKind.NotFound, title);

    public static Failure Forbidden(string title) => new(FailureKind.Forbidden, title);

    public static Failure Conflict(string title, string? code = null) => new(FailureKind.Conflict, title, null, code);
}

/// <summary>
/// The answer of a command: a value, or the reason it was refused. <see cref="Created"/> tells a new record from a
/// replay; <see cref="Audited"/> says the command's audit entry was stored with it (a visit step's, in its ledger append).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Outcome<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] Failure? Failure,
    [property: Id(2)] bool Created = false,
    [property: Id(3)] bool Audited = false)
{
    public bool Succeeded => Failure is null;

    public static Outcome<T> Ok(T value, bool created = false) => new(value, null, created);

    public static Outcome<T> Fail(Failure failure) => new(default, failure);

    public static implicit operator Outcome<T>(Failure failure) => Fail(failure);
}
