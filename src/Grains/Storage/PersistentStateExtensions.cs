namespace Boai.Orleans.Storage;

public static class PersistentStateExtensions
{
    /// <summary>
    /// Stores <paramref name="next"/> as the grain's state (built aside by the caller); when the write fails, memory is
    /// read back from storage as <see cref="WriteOrReloadAsync{T}(IPersistentState{T}, IGrainBase)"/> does.
    /// </summary>
    public static Task WriteOrReloadAsync<T>(this IPersistentState<T> state, T next, IGrainBase grain)
    {
        state.State = next;
        return state.WriteOrReloadAsync(grain);
    }

    /// <summary>
    /// Writes the state; when the write fails, reads the stored state back before rethrowing, so the grain never answers
    /// from a change storage did not take (and a stale ETag is replaced by the current one). When even the read fails,
    /// the activation is dropped and the next call starts from storage.
    /// </summary>
    public static async Task WriteOrReloadAsync<T>(this IPersistentState<T> state, IGrainBase grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            try
            {
                await state.ReadStateAsync();
            }
            catch
            {
                grain.GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "grain state could not be read back after a failed write"));
            }

            throw;
        }
    }
}
