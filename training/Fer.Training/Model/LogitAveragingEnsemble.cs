using Fer.Onnx;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>
/// Several trained networks as one classifier: each sees the same input and their logits are
/// averaged. Networks trained from different starts make different mistakes, so the average is
/// usually more accurate than any member, at the cost of one pass per member. Member <c>i</c>'s
/// weights are exported under <c>members.i.</c> (its own state-dict names behind that prefix). Built for
/// export and serving only: it puts the members in eval mode.
/// </summary>
public sealed class LogitAveragingEnsemble : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    public LogitAveragingEnsemble(IReadOnlyList<FerResNet> members)
        : base(nameof(LogitAveragingEnsemble))
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count < 2)
        {
            throw new ArgumentException($"An ensemble needs at least two networks, not {members.Count}.", nameof(members));
        }

        var classes = members.Select(m => m.Options.NumClasses).Distinct().ToList();
        if (classes.Count > 1)
        {
            throw new ArgumentException($"The networks of an ensemble must predict the same classes; these have {string.Join(", ", classes)} outputs.", nameof(members));
        }

        Members = members;
        NumClasses = classes[0];
        foreach (var member in members)
        {
            member.eval();
        }
    }

    public IReadOnlyList<FerResNet> Members { get; }

    public long NumClasses { get; }

    /// <summary>The name of member <paramref name="index"/>'s weights in the ONNX graph: <c>members.{index}</c>.</summary>
    public static string MemberPath(int index) => $"members.{index}";

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return stack(Members.Select(member => member.call(input)).ToList(), 0).mean([0]).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logits = Members.Select((member, i) => context.Emit(member, MemberPath(i), input)).ToList();
        return context.Graph.Node("Mean", logits);
    }
}
