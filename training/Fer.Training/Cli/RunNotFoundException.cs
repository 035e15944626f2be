using Fer.Inference;

namespace Fer.Training.Cli;

/// <summary>--resume named a run that neither the disk nor storage holds (exit code <see cref="ExitCodes.NoSuchRun"/>: a job script starts it afresh).</summary>
internal sealed class RunNotFoundException(string message) : FerException(message);
