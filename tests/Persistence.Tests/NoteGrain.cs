namespace Boai.Orleans.Persistence.Tests;

public interface INoteGrain : IGrainWithStringKey
{
    Task<NoteSnapshot> GetAsync();

    Task SetAsync(string text);

    /// <summary>Deactivates after this call, so the next call activates afresh and reads storage.</summary>
    Task DeactivateAsync();
}

/// <summary>What a note grain holds, and which activation answered.</summary>
[GenerateSerializer, Immutable]
public sealed record NoteSnapshot([property: Id(0)] string? Text, [property: Id(1)] bool RecordExists, [property: Id(2)] Guid ActivationId);

/// <summary>A grain with one persistent state in the default storage provider.</summary>
public sealed class NoteGrain([PersistentState("note")] IPersistentState<Note> note) : Grain, INoteGrain
{
    private readonly Guid activationId = Guid.NewGuid();

    public Task<NoteSnapshot> GetAsync() => Task.FromResult(new NoteSnapshot(note.State.Text, note.RecordExists, activationId));

    public async Task SetAsync(string text)
    {
        note.State.Text = text;
        note.State.Revision++;
        await note.WriteStateAsync();
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>The state the tests store: plain properties, as grain state usually is.</summary>
public sealed class Note
{
    public string? Text { get; set; }

    public int Revision { get; set; }
}
