namespace Fer.Inference.Pipeline;

/// <summary>
/// What health reports about the model. <paramref name="LastCheck"/> is when the last check of the pointer ended (null
/// while the first one is still running: starting); <paramref name="LastError"/> is for the log and tests, never for answers.
/// </summary>
public sealed record ModelHealth(string? Version, string? ExecutionProvider, DateTimeOffset? LastCheck, string? LastError, string? FaceFinding = null);
