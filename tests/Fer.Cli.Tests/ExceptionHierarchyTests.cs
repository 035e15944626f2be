using System.Reflection;
using Fer.Inference;

namespace Fer.Cli.Tests;

/// <summary>Fer's own exception types: one base the command lines catch, and no cause lost on the way.</summary>
public sealed class ExceptionHierarchyTests
{
    // Everything both command lines run, from the lowest layer up: Fer.Inference, Fer.Api, fer, fer-train, Fer.Onnx and the face-api port.
    private static readonly IReadOnlyDictionary<string, Type> Types = new[] { typeof(FerException).Assembly, Assembly.Load("Fer.Api"), typeof(FerCommandLine).Assembly, typeof(Fer.Training.Cli.FerTrainCommandLine).Assembly, typeof(Fer.Onnx.OnnxExporter).Assembly, typeof(Fer.FaceApiPort.TfjsWeights).Assembly }
        .SelectMany(a => a.GetTypes())
        .Where(t => typeof(Exception).IsAssignableFrom(t) && t != typeof(FerException))
        .ToDictionary(t => t.FullName!);

    public static TheoryData<string> ExceptionTypes() => [.. Types.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ExceptionTypes))]
    public void Every_exception_type_of_Fer_derives_from_FerException(string name) =>
        Assert.True(Types[name].IsSubclassOf(typeof(FerException)), $"{name} derives from {Types[name].BaseType} instead of FerException");

    [Theory]
    [MemberData(nameof(ExceptionTypes))]
    public void Every_exception_type_keeps_the_exception_it_wraps(string name)
    {
        var type = Types[name];
        var inner = new IOException("the cause");
        var constructor = type.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, [typeof(string), typeof(Exception)]);
        if (constructor is null)
        {
            // A type without the wrapping constructor cannot lose a cause; the analyzers ask public ones for it.
            Assert.False(type.IsPublic, $"{type.FullName} has no (message, innerException) constructor");
            return;
        }

        var exception = (Exception)constructor.Invoke(["wrapped", inner]);

        Assert.Same(inner, exception.InnerException);
        Assert.Equal("wrapped", exception.Message);
    }

    [Fact]
    public void The_types_are_found() =>
        Assert.Contains(typeof(CliException).FullName!, Types.Keys);
}
