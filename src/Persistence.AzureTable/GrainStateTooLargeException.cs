namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>A grain state serialized larger than one table entity can hold; nothing was written.</summary>
[GenerateSerializer]
public sealed class GrainStateTooLargeException : OrleansException
{
    public GrainStateTooLargeException()
    {
    }

    public GrainStateTooLargeException(string message)
        : base(message)
    {
    }

    public GrainStateTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GrainStateTooLargeException(string grainId, string stateName, int size, int maxSize)
        : base($"State '{stateName}' of grain {grainId} is {size} bytes serialized; Azure Table grain storage holds at most {maxSize} bytes per state. Nothing was written.")
    {
        GrainId = grainId;
        StateName = stateName;
        Size = size;
        MaxSize = maxSize;
    }

    [Id(0)]
    public string? GrainId { get; init; }

    [Id(1)]
    public string? StateName { get; init; }

    [Id(2)]
    public int Size { get; init; }

    [Id(3)]
    public int MaxSize { get; init; }
}
