//! Graphs: the file import edges of a crate, strongly connected components, and a walk through one.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::refs;
use super::resolve::resolve;
use super::tree::Forest;

/// Directed edges between node indices, each with one example of why (an import as written).
pub type Edges<V = String> = BTreeMap<(usize, usize), V>;

/// Which file imports which, with the first import seen for each pair.
pub fn file_edges(forest: &Forest) -> Edges {
    let mut edges = Edges::new();
    for (from, file) in forest.files.iter().enumerate() {
        for &top in &file.tops {
            for reference in refs::collect(forest, top) {
                if let Some(to) = resolve(forest, reference.module, &reference.segs)
                    && to != from
                {
                    edges.entry((from, to)).or_insert(reference.text);
                }
            }
        }
    }
    edges
}

/// The strongly connected components of two or more nodes (Tarjan), each sorted, in node order.
pub fn sccs<V>(nodes: usize, edges: &Edges<V>) -> Vec<Vec<usize>> {
    let mut tarjan = Tarjan {
        adjacency: adjacency(nodes, edges),
        index: vec![None; nodes],
        low: vec![0; nodes],
        on_stack: vec![false; nodes],
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for node in 0..nodes {
        if tarjan.index[node].is_none() {
            tarjan.visit(node);
        }
    }
    let mut found = tarjan.found;
    found.sort();
    found
}

fn adjacency<V>(nodes: usize, edges: &Edges<V>) -> Vec<Vec<usize>> {
    let mut adjacency = vec![Vec::new(); nodes];
    for &(from, to) in edges.keys() {
        adjacency[from].push(to);
    }
    adjacency
}

struct Tarjan {
    adjacency: Vec<Vec<usize>>,
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: usize,
    found: Vec<Vec<usize>>,
}

impl Tarjan {
    fn visit(&mut self, node: usize) {
        self.index[node] = Some(self.next);
        self.low[node] = self.next;
        self.next += 1;
        self.stack.push(node);
        self.on_stack[node] = true;
        for i in 0..self.adjacency[node].len() {
            let to = self.adjacency[node][i];
            match self.index[to] {
                None => {
                    self.visit(to);
                    self.low[node] = self.low[node].min(self.low[to]);
                }
                Some(index) if self.on_stack[to] => self.low[node] = self.low[node].min(index),
                Some(_) => {}
            }
        }
        if Some(self.low[node]) == self.index[node] {
            let mut component = Vec::new();
            while let Some(top) = self.stack.pop() {
                self.on_stack[top] = false;
                component.push(top);
                if top == node {
                    break;
                }
            }
            if component.len() >= 2 {
                component.sort_unstable();
                self.found.push(component);
            }
        }
    }
}

/// A closed walk through every member of a strongly connected component, starting and ending at its
/// first member: repeatedly the shortest way to the nearest member not yet visited, then back.
pub fn closed_walk<V>(members: &[usize], edges: &Edges<V>) -> Vec<(usize, usize)> {
    let inside: BTreeSet<usize> = members.iter().copied().collect();
    let mut next: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(from, to) in edges.keys() {
        if inside.contains(&from) && inside.contains(&to) {
            next.entry(from).or_default().push(to);
        }
    }
    let start = members[0];
    let mut unvisited: BTreeSet<usize> = inside.iter().copied().filter(|&m| m != start).collect();
    let mut walk = Vec::new();
    let mut at = start;
    loop {
        let goal = |node: usize| {
            if unvisited.is_empty() {
                node == start
            } else {
                unvisited.contains(&node)
            }
        };
        let Some(path) = shortest(at, &next, goal) else { break };
        for pair in path.windows(2) {
            walk.push((pair[0], pair[1]));
            unvisited.remove(&pair[1]);
        }
        at = *path.last().unwrap();
        if at == start {
            break;
        }
    }
    walk
}

/// Breadth-first from `from` (not counting it) to the first node meeting `goal`.
fn shortest(from: usize, next: &BTreeMap<usize, Vec<usize>>, goal: impl Fn(usize) -> bool) -> Option<Vec<usize>> {
    let mut came_from: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(node) = queue.pop_front() {
        for &to in next.get(&node).map_or(&[][..], Vec::as_slice) {
            if to == from || came_from.contains_key(&to) {
                continue;
            }
            came_from.insert(to, node);
            if goal(to) {
                let mut path = vec![to];
                let mut cur = to;
                while cur != from {
                    cur = came_from[&cur];
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(to);
        }
    }
    None
}
